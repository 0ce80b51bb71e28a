"""The deputy's motion form, with the co-signers a motion needs."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.models import Session
from deputies.models import Deputy
from proposals.forms import TEXT_MAX, CosignerField, CosignersMixin


class MotionForm(CosignersMixin, forms.Form):
    """A motion being drafted: reason (案由), grounds (案据) and proposed solution (方案)."""

    item_param = "motion"

    title = forms.CharField(label=_("Title"), max_length=200)
    session = forms.ModelChoiceField(
        queryset=Session.objects.none(),
        label=_("Session"),
        empty_label=_("Choose the session"),
        help_text=_("Motions are filed at a session of the congress, before its deadline."),
    )
    reason = forms.CharField(
        label=_("Reason (案由)"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    grounds = forms.CharField(
        label=_("Grounds (案据)"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    proposal = forms.CharField(
        label=_("Proposed solution (方案)"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    is_public = forms.BooleanField(
        label=_("Publish on the public site once submitted"), required=False, initial=True
    )
    cosigners = CosignerField(
        label=_("Ask deputies to sign jointly"),
        help_text=_(
            "Type a name, a card number or a delegation and choose from the list; without the "
            "list, write names or card numbers separated by 、 or commas. Each deputy is asked to "
            "confirm in their workspace."
        ),
    )

    def __init__(self, *args, lead: Deputy, motion=None, **kwargs):
        if motion is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": motion.title,
                "session": motion.session_id,
                "reason": motion.reason,
                "grounds": motion.grounds,
                "proposal": motion.proposal,
                "is_public": motion.is_public,
            }
        super().__init__(*args, **kwargs)
        self.lead, self.motion = lead, motion
        if motion is not None:
            del self.fields["session"]  # fixed once drafted: the signatures were asked for it
        else:
            now = timezone.now()
            self.fields["session"].queryset = (
                Session.objects.filter(term_id=lead.term_id)
                .filter(
                    Q(motion_deadline__gt=now)
                    | Q(motion_deadline__isnull=True, end_date__gte=timezone.localdate())
                )
                .select_related("term")
            )
        self._setup_cosigners(lead, motion)

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError(_("Give the motion a title."))
        return title
