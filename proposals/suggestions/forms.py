"""The deputy's suggestion form (draft and edit), with co-signers and attachments."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.kit.rules import rule
from congress.models import Category, Session
from deputies.models import Deputy
from proposals.forms import (
    MAX_ATTACHMENTS,
    TEXT_MAX,
    CosignerField,
    CosignersMixin,
    MultipleFileField,
)


class SuggestionForm(CosignersMixin, forms.Form):
    """A draft suggestion, new or edited. Only a title is needed to save a draft; the text and
    the category are needed to submit it (the submission service says so)."""

    item_param = "suggestion"

    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(),
        label=_("Category"),
        required=False,
        empty_label=_("Choose a category"),
        help_text=_("Needed before you submit."),
    )
    session = forms.ModelChoiceField(
        queryset=Session.objects.none(),
        label=_("Filed at"),
        required=False,
        empty_label=_("Between sessions (to the standing committee)"),
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("One issue per suggestion: the facts, your analysis and concrete proposals."),
    )
    is_public = forms.BooleanField(
        label=_("Publish on the public site once registered"), required=False, initial=True
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, PNG, JPEG or Word (.docx), at most %(limit)s MB each.")
        % {"limit": rule("ATTACHMENT_MAX_BYTES") // (1024 * 1024)},
    )
    cosigners = CosignerField(
        label=_("Ask deputies to co-sign"),
        help_text=_(
            "Type a name, a card number or a delegation and choose from the list; without the "
            "list, write names or card numbers separated by 、 or commas. Each deputy is asked to "
            "confirm in their workspace."
        ),
    )

    def __init__(self, *args, lead: Deputy, suggestion=None, **kwargs):
        if suggestion is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": suggestion.title,
                "category": suggestion.category_id,
                "session": suggestion.session_id,
                "body": suggestion.body,
                "is_public": suggestion.is_public,
            }
        super().__init__(*args, **kwargs)
        self.lead, self.suggestion = lead, suggestion
        self.existing_attachments = suggestion.attachments.count() if suggestion else 0
        self.fields["category"].queryset = Category.objects.filter(term_id=lead.term_id)
        now = timezone.now()
        self.fields["session"].queryset = (
            Session.objects.filter(term_id=lead.term_id)
            .filter(
                Q(suggestion_deadline__gt=now)
                | Q(suggestion_deadline__isnull=True, end_date__gte=timezone.localdate())
                | Q(pk=getattr(suggestion, "session_id", None))
            )
            .select_related("term")
        )
        self._setup_cosigners(lead, suggestion)

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError(_("Give the suggestion a title."))
        return title

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        if self.existing_attachments + len(files) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("A suggestion can have at most %(count)s attachments.")
                % {"count": MAX_ATTACHMENTS}
            )
        return files
