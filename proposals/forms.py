"""The deputy portal's forms: a suggestion, a motion, a rating of a reply.

Forms check everything a person can get wrong (beside the field, in a translated sentence) before
any service runs, so that a bad input writes nothing. The services check the workflow again.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congress.kit.uploads import validate_attachment
from deputies.models import Deputy
from proposals.models import Signature

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


class SignatureAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("confirm", "confirm"), ("decline", "decline")])
