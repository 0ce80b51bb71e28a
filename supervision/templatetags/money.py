"""Money in yuan as people read it: 25.57亿元 and 2,150万元 in Chinese, "2.557 billion yuan" and
"21.5 million yuan" in English.

The two languages group digits differently (万/亿 against thousand/million/billion), so this is
not a matter of translating a unit: each language has its own scale.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.translation import get_language

register = template.Library()

YI, WAN = Decimal(100_000_000), Decimal(10_000)
BILLION, MILLION = Decimal(1_000_000_000), Decimal(1_000_000)
STEPS = {2: Decimal("0.01"), 3: Decimal("0.001")}  # the places used below, made once


def _plain(value: Decimal, places: int) -> str:
    """Rounded to `places`, thousands separated, trailing zeros dropped: 2150 → "2,150"."""
    step = STEPS.get(places) or Decimal(1).scaleb(-places)
    value = value.quantize(step, ROUND_HALF_UP)
    text = f"{value:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_yuan(value, language: str | None = None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):  # a money column's value: no need to go through its text
        amount = value
    else:
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return str(value)
    language = (language or get_language() or "zh-hans").lower()
    sign, amount = ("-" if amount < 0 else ""), abs(amount)
    if language.startswith("zh"):
        if amount >= YI:
            return f"{sign}{_plain(amount / YI, 2)}亿元"
        if amount >= WAN:
            return f"{sign}{_plain(amount / WAN, 2)}万元"
        return f"{sign}{_plain(amount, 2)}元"
    if amount >= BILLION:
        return f"{sign}{_plain(amount / BILLION, 3)} billion yuan"
    if amount >= MILLION:
        return f"{sign}{_plain(amount / MILLION, 2)} million yuan"
    return f"{sign}{_plain(amount, 2)} yuan"


@register.filter
def yuan(value):
    """`{{ project.investment|yuan }}`"""
    return format_yuan(value)
