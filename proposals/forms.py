"""The deputy portal's forms: a suggestion, a motion, a rating of a reply.

Forms check everything a person can get wrong (beside the field, in a translated sentence) before
any service runs, so that a bad input writes nothing. The services check the workflow again.
"""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.models import Category, Session
from deputies.models import Deputy
from proposals.models import Rating, Signature, validate_attachment

TEXT_MAX = 20_000
MAX_ATTACHMENTS = 10
ACCEPT = ".pdf,.png,.jpg,.jpeg,.docx,application/pdf,image/png,image/jpeg"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one <input type="file" multiple>; cleans to a list (maybe empty)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        single = super().clean
        cleaned, errors = [], []
        for file in files:
            file = single(file, initial)
            try:
                validate_attachment(file)
            except ValidationError as error:
                errors += [f"{file.name}: {message}" for message in error.messages]
            cleaned.append(file)
        if errors:
            raise ValidationError(errors)
        return cleaned


# Names and card numbers in the co-signer field are separated by 、 , ， ; ； or new lines; a
# name may carry its card number in brackets, as the picker writes it: 王芳（PH16-012）.
_SEPARATORS = re.compile(r"[、,，;；\n\r]+")
_WITH_CARD = re.compile(r"^(?P<name>[^()（）]*)[(（](?P<card>[^()（）]+)[)）]$")


def cosigner_queryset(*, lead: Deputy, item=None):
    """Serving deputies of the lead's term who may still be asked: not the lead, not asked yet."""
    queryset = Deputy.objects.filter(term_id=lead.term_id, status=Deputy.Status.SERVING).exclude(
        pk=lead.pk
    )
    if item is not None and item.pk:
        asked = item.signatures.exclude(status=Signature.Status.DECLINED).values("deputy_id")
        queryset = queryset.exclude(pk__in=asked)
    return queryset


def cosigner_label(deputy: Deputy) -> str:
    """How the picker and the plain field write a chosen deputy: name and card number."""
    return f"{deputy.name}（{deputy.card_number}）"


class CosignerField(forms.CharField):
    """A plain text field: deputies by name or card number. The picker script (static/js/
    cosigner-picker.js) turns it into a search-as-you-type list; without the script it is typed."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.Textarea(
                attrs={
                    "rows": 2,
                    "autocomplete": "off",
                    "data-cosigner-picker": "",
                    "spellcheck": "false",
                }
            ),
        )
        super().__init__(required=False, max_length=4000, **kwargs)


class CosignersMixin:
    def _setup_cosigners(self, lead, item):
        self.cosigner_queryset = cosigner_queryset(lead=lead, item=item)
        attrs = self.fields["cosigners"].widget.attrs
        attrs["data-search-url"] = reverse("portal_cosigner_search") + (
            f"?{self.item_param}={item.pk}" if item is not None and item.pk else ""
        )
        # The picker's few words, translated here: the script has no catalogue of its own.
        attrs["data-text-remove"] = _("Remove")
        attrs["data-text-none"] = _("No deputy found. Try part of the name or the card number.")
        attrs["data-text-count"] = _("{count} deputies found; use the arrow keys to choose.")
        attrs["data-text-chosen"] = _("Deputies to ask")

    def clean_cosigners(self):
        """Each name or card number must name exactly one deputy who may still be asked."""
        tokens = [t.strip() for t in _SEPARATORS.split(self.cleaned_data["cosigners"])]
        tokens = [t for t in tokens if t]
        if not tokens:
            return []
        chosen, errors = {}, []
        for token in tokens:
            match = _WITH_CARD.match(token)
            card = match["card"].strip() if match else token
            name = match["name"].strip() if match else token
            by_card = list(self.cosigner_queryset.filter(card_number__iexact=card))
            found = by_card or list(
                self.cosigner_queryset.filter(name=name).select_related("delegation")
            )
            if not found:
                errors.append(
                    _(
                        "“%(text)s”: no serving deputy of this term who can still be asked has "
                        "this name or card number."
                    )
                    % {"text": token}
                )
            elif len(found) > 1:
                errors.append(
                    _("“%(text)s”: several deputies have this name; write one of: %(choices)s.")
                    % {
                        "text": token,
                        "choices": "、".join(
                            f"{cosigner_label(d)} {d.delegation.name}" for d in found
                        ),
                    }
                )
            else:
                chosen[found[0].pk] = found[0]
        if errors:
            raise ValidationError(errors)
        return list(chosen.values())


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
        % {"limit": settings.CONGRESS_RULES["ATTACHMENT_MAX_BYTES"] // (1024 * 1024)},
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


class RatingForm(forms.Form):
    """A signer's rating of a reply: the handling process and the result, separately."""

    process_rating = forms.ChoiceField(
        label=_("How was it handled? (办理过程)"), choices=Rating.choices, widget=forms.RadioSelect
    )
    result_rating = forms.ChoiceField(
        label=_("How good is the result? (办理结果)"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required when you are not satisfied: say why, so the unit can act on it."),
    )

    def clean(self):
        data = super().clean()
        unsatisfied = Rating.UNSATISFIED in (data.get("process_rating"), data.get("result_rating"))
        if unsatisfied and not data.get("comment", "").strip():
            self.add_error("comment", _("Say why you are not satisfied."))
        return data


class SignatureAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("confirm", "confirm"), ("decline", "decline")])
