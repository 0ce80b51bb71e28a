from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision and votes")

    def ready(self):
        from proposals.models import register_timeline_labels
        from supervision.models import LivelihoodProject, ProjectApproval

        labels = {
            "supervision_published": _("Published"),
            "review_opinion_issued": _("Review opinion issued"),
            "handling_report_received": _("Handling report received"),
            "poll_created": _("Vote created"),
            "poll_opened": _("Vote opened"),
            "paper_tally_entered": _("Paper tally entered"),
            "poll_closed": _("Vote closed and counted"),
            "poll_published": _("Vote result published"),
            "poll_runoff_created": _("Run-off vote created"),
        }
        for step in ProjectApproval.Step:
            labels[f"approval_{step.value}"] = step.label
        for status in LivelihoodProject.Status:
            labels[f"project_{status.value}"] = status.label
        register_timeline_labels(labels)
