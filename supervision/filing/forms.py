"""The public form a resident uses to suggest that a document be reviewed, and the code form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from congress.kit.phones import validate_phone
from supervision.filing.models import NormativeDocument, normalise_suggestion_code
from supervision.filing.services import GROUNDS_MAX, GROUNDS_MIN


class ReviewSuggestionForm(forms.Form):
    document = forms.ModelChoiceField(
        queryset=NormativeDocument.objects.public(), required=False, widget=forms.HiddenInput
    )
    document_title = forms.CharField(
        label=_("The document (its title or number)"),
        max_length=200,
        required=False,
        help_text=_("For example: 平湖市城市养犬管理办法, or 平政办发〔2022〕12号."),
    )
    grounds = forms.CharField(
        label=_("Why it should be reviewed"),
        min_length=GROUNDS_MIN,
        max_length=GROUNDS_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "min_length": _("Write at least %(limit_value)d characters: which article, and why."),
            "max_length": _("Keep it to %(limit_value)d characters (it has %(show_value)d)."),
        },
        help_text=_(
            "Which article, and why you think it conflicts with a law, goes beyond the organ's "
            "authority or unfairly restricts people's rights."
        ),
    )
    name = forms.CharField(
        label=_("Your name (optional, never published)"), max_length=50, required=False
    )
    phone = forms.CharField(
        label=_("Mobile number (optional, never published)"),
        max_length=20,
        required=False,
        validators=[validate_phone],
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the office may use what I send, and my contact details, to handle it."
        ),
        error_messages={"required": _("Please agree, so that the office may handle it.")},
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("document") and not cleaned.get("document_title", "").strip():
            self.add_error("document_title", _("Write the title or number of the document."))
        return cleaned


class TrackCodeForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=20)

    def clean_code(self):
        return normalise_suggestion_code(self.cleaned_data["code"])
