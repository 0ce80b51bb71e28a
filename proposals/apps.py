from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Suggestions, motions and opinions")

    def ready(self):
        from congress.kit.workflow import use_timeline_writer
        from deputies.portal import overview_panel
        from deputies.profile import profile_part
        from proposals.models import timeline_write
        from proposals.portal_panels import signature_requests_panel
        from proposals.profile import deputy_items

        # The workflow helper (congress/kit) writes timeline entries through this app's table.
        use_timeline_writer(timeline_write)

        overview_panel(signature_requests_panel)
        profile_part(deputy_items)
