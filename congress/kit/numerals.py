"""Numbers as Chinese numerals (十六届一次会议) and English ordinals (16th)."""

from django.utils.translation import get_language

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """Write 0–9999 as a Chinese numeral: 1 → 一, 10 → 十, 16 → 十六, 105 → 一百零五."""
    if not 0 <= n < 10000:
        raise ValueError(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n - 10] if n > 10 else "")
    parts = []
    zero_pending = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            if zero_pending:
                parts.append("零")
                zero_pending = False
            parts.append(_DIGITS[digit] + unit)
        elif parts:
            zero_pending = True
    return "".join(parts)


def english_ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def ordinals(**numbers: int) -> dict[str, str]:
    """Numbers for a translated message in the active language: 16 → '十六' or '16th'.

    `_("the %(term)s term") % ordinals(term=16)` reads 第十六届 in Chinese, "the 16th term" in English.
    """
    chinese = (get_language() or "zh-hans").startswith("zh")
    return {
        name: chinese_numeral(number) if chinese else english_ordinal(number)
        for name, number in numbers.items()
    }
