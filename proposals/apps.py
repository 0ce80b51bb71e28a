from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Suggestions, motions and opinions")

    def ready(self):
        from deputies.portal import overview_panel
        from deputies.profile import profile_part
        from proposals.portal_panels import signature_requests_panel
        from proposals.profile import deputy_items

        overview_panel(signature_requests_panel)
        profile_part(deputy_items)
