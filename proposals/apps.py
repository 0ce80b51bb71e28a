from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    """What this app adds to a deputy's profile and workspace overview is registered from
    proposals/profile.py, which deputies.profile discovers (congress.kit.registry)."""

    name = "proposals"
    verbose_name = _("Suggestions, motions and opinions")
