"""The deputy's motion form, with the co-signers a motion needs."""

from django import forms
from django.utils.translation import gettext_lazy as _

from congress.models import Session
from deputies.models import Deputy
from proposals.forms import DraftForm, long_text, sessions_open_for


class MotionForm(DraftForm):
    """A motion being drafted: reason (案由), grounds (案据) and proposed solution (方案)."""

    item_param = "motion"
    item_fields = ("title", "session", "reason", "grounds", "proposal", "is_public")
    untitled_message = _("Give the motion a title.")
    public_label = _("Publish on the public site once submitted")
    cosigners_label = _("Ask deputies to sign jointly")
    field_order = ["title", "session", "reason", "grounds", "proposal", "is_public", "cosigners"]

    session = forms.ModelChoiceField(
        queryset=Session.objects.none(),
        label=_("Session"),
        empty_label=_("Choose the session"),
        help_text=_("Motions are filed at a session of the congress, before its deadline."),
    )
    reason = long_text(_("Reason (案由)"), rows=4)
    grounds = long_text(_("Grounds (案据)"), rows=8)
    proposal = long_text(_("Proposed solution (方案)"), rows=8)

    def __init__(self, *args, lead: Deputy, motion=None, **kwargs):
        super().__init__(*args, lead=lead, item=motion, **kwargs)
        if motion is not None:
            del self.fields["session"]  # fixed once drafted: the signatures were asked for it
        else:
            self.fields["session"].queryset = sessions_open_for(lead, "motion_deadline")
        self._setup_cosigners(lead, motion)
