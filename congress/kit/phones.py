"""Mainland mobile numbers as people type them: spaces, dashes and a +86 prefix removed."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalise_phone(raw: str) -> str:
    """Spaces, dashes and a +86 / 0086 prefix removed: 13812345678."""
    digits = re.sub(r"[\s\-()]", "", raw or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits


def validate_phone(raw: str) -> str:
    """The normalised number, or a ValidationError; an empty value stays empty."""
    phone = normalise_phone(raw)
    if phone and not MOBILE_RE.match(phone):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number, such as 13812345678."), code="phone"
        )
    return phone
