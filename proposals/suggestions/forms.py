"""The deputy's suggestion form (draft and edit), with co-signers and attachments."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from congress.kit.rules import rule
from congress.models import Category, Session
from deputies.models import Deputy
from proposals.forms import (
    MAX_ATTACHMENTS,
    DraftForm,
    MultipleFileField,
    long_text,
    sessions_open_for,
)


class SuggestionForm(DraftForm):
    """A draft suggestion, new or edited. Only a title is needed to save a draft; the text and
    the category are needed to submit it (the submission service says so)."""

    item_param = "suggestion"
    item_fields = ("title", "category", "session", "body", "is_public")
    untitled_message = _("Give the suggestion a title.")
    public_label = _("Publish on the public site once registered")
    cosigners_label = _("Ask deputies to co-sign")
    field_order = [
        "title",
        "category",
        "session",
        "body",
        "is_public",
        "attachments",
        "cosigners",
    ]

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
    body = long_text(
        _("Text"),
        rows=12,
        help_text=_("One issue per suggestion: the facts, your analysis and concrete proposals."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, PNG, JPEG or Word (.docx), at most %(limit)s MB each.")
        % {"limit": rule("ATTACHMENT_MAX_BYTES") // (1024 * 1024)},
    )

    def __init__(self, *args, lead: Deputy, suggestion=None, **kwargs):
        super().__init__(*args, lead=lead, item=suggestion, **kwargs)
        self.existing_attachments = suggestion.attachments.count() if suggestion else 0
        self.fields["category"].queryset = Category.objects.filter(term_id=lead.term_id)
        self.fields["session"].queryset = sessions_open_for(
            lead, "suggestion_deadline", keep=getattr(suggestion, "session_id", None)
        )
        self._setup_cosigners(lead, suggestion)

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        if self.existing_attachments + len(files) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("A suggestion can have at most %(count)s attachments.")
                % {"count": MAX_ATTACHMENTS}
            )
        return files
