"""The deputy portal's forms: a suggestion, a motion, a rating of a reply.

Forms check everything a person can get wrong (beside the field, in a translated sentence) before
any service runs, so that a bad input writes nothing. The services check the workflow again.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.kit.uploads import validate_attachment
from congress.models import Session
from deputies.models import Deputy
from proposals.models import Rating, Signature

TEXT_MAX = 20_000
MAX_ATTACHMENTS = 10
ACCEPT = ".pdf,.png,.jpg,.jpeg,.docx,application/pdf,image/png,image/jpeg"


def long_text(label, *, rows: int, **kwargs) -> forms.CharField:
    """A free text of up to TEXT_MAX characters in a textarea of `rows` lines; optional unless
    told otherwise (a draft may be saved half written)."""
    kwargs.setdefault("required", False)
    return forms.CharField(
        label=label, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


def rating_choice(label) -> forms.ChoiceField:
    """One of the three ratings (满意, 基本满意, 不满意), as radio buttons."""
    return forms.ChoiceField(label=label, choices=Rating.choices, widget=forms.RadioSelect)


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
        attrs["data-search-url"] = reverse("proposals:cosigner_search") + (
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


def sessions_open_for(lead: Deputy, deadline: str, keep=None):
    """The sessions of the lead's term still taking items: before the session's `deadline`
    field, or with no deadline until the session ends; `keep`, a session already chosen, stays."""
    now = timezone.now()
    still_open = Q(**{f"{deadline}__gt": now}) | Q(
        **{f"{deadline}__isnull": True, "end_date__gte": timezone.localdate()}
    )
    if keep is not None:
        still_open |= Q(pk=keep)
    return Session.objects.filter(term_id=lead.term_id).filter(still_open).select_related("term")


class DraftForm(CosignersMixin, forms.Form):
    """What the suggestion and motion drafts share: a title, publishing, the co-signers asked.
    A subclass names its item (`item_param`, the keyword its __init__ takes), the item's fields
    the form starts from, and its own few words."""

    item_param: str  # the keyword naming the item ("suggestion", "motion")
    item_fields: tuple[str, ...] = ()
    untitled_message = ""  # "Give the … a title."
    public_label = ""
    cosigners_label = ""

    title = forms.CharField(label=_("Title"), max_length=200)
    is_public = forms.BooleanField(required=False, initial=True)
    cosigners = CosignerField(
        help_text=_(
            "Type a name, a card number or a delegation and choose from the list; without the "
            "list, write names or card numbers separated by 、 or commas. Each deputy is asked to "
            "confirm in their workspace."
        ),
    )

    def __init__(self, *args, lead: Deputy, item=None, **kwargs):
        if item is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: item.serializable_value(name) for name in self.item_fields}
        super().__init__(*args, **kwargs)
        self.lead, self.item = lead, item
        setattr(self, self.item_param, item)
        self.fields["is_public"].label = self.public_label
        self.fields["cosigners"].label = self.cosigners_label

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError(self.untitled_message)
        return title


class SignatureAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("confirm", "confirm"), ("decline", "decline")])
