"""The deputy's ballot and the staff's paper-tally form."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from supervision import rules


class BallotForm(forms.Form):
    """A ballot read from the POSTed form: `option` checkboxes for a pick, one `grade-<id>` radio
    group per option for approval and evaluation. The template lays the ballot out like the paper
    one; this form only checks what came back."""

    def __init__(self, *args, poll, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.poll = poll
        self.options = list(options)
        self.method = rules.Method(poll.method)
        ids = [(str(o.pk), o.label) for o in self.options]
        if self.method == rules.Method.CHOOSE:
            self.fields["option"] = forms.MultipleChoiceField(
                label=_("Options"), choices=ids, required=False
            )
        else:
            grades = rules.grade_choices(self.method)
            for option in self.options:
                self.fields[f"grade-{option.pk}"] = forms.ChoiceField(
                    label=option.label, choices=grades, required=False
                )

    def clean(self):
        cleaned = super().clean()
        if self.method == rules.Method.CHOOSE:
            chosen = cleaned.get("option") or []
            k = self.poll.max_choices or 0
            if len(chosen) > k:
                raise forms.ValidationError(
                    ngettext(
                        "You may mark at most %(k)s option; you marked %(n)s.",
                        "You may mark at most %(k)s options; you marked %(n)s.",
                        k,
                    )
                    % {"k": k, "n": len(chosen)},
                    code="too_many_choices",
                )
        return cleaned

    @property
    def marks(self) -> dict[str, str]:
        """The ballot as option id → grade (blank lines left out: an abstention)."""
        if self.method == rules.Method.CHOOSE:
            return dict.fromkeys(self.cleaned_data.get("option") or [], rules.YES)
        return {
            str(o.pk): self.cleaned_data[f"grade-{o.pk}"]
            for o in self.options
            if self.cleaned_data.get(f"grade-{o.pk}")
        }

    def rows(self):
        """(option, chosen grade or None) for the confirmation page, in ballot order."""
        marks = self.marks
        labels = dict(rules.grade_choices(self.method))
        return [
            (option, marks.get(str(option.pk)), labels.get(marks.get(str(option.pk)), ""))
            for option in self.options
        ]


class PaperTallyForm(forms.Form):
    """One ballot box's count, as the scrutineers report it."""

    label = forms.CharField(label=_("Ballot box"), max_length=100, required=False)
    issued = forms.IntegerField(label=_("Ballots issued"), min_value=0)
    returned = forms.IntegerField(label=_("Ballots returned"), min_value=0)
    valid = forms.IntegerField(label=_("Valid ballots"), min_value=0)
    invalid = forms.IntegerField(label=_("Invalid ballots"), min_value=0)

    def __init__(self, *args, poll, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.poll = poll
        self.options = list(options)
        self.grades = rules.grade_choices(poll.method)
        self.count_fields = []
        for option in self.options:
            for code, grade_label in self.grades:
                name = f"count-{option.pk}-{code}"
                label = option.label if len(self.grades) == 1 else f"{option.label} · {grade_label}"
                self.fields[name] = forms.IntegerField(
                    label=label, min_value=0, initial=0, required=False
                )
                self.count_fields.append(name)

    @property
    def counts(self) -> dict[int, dict[str, int]]:
        return {
            option.pk: {
                code: self.cleaned_data.get(f"count-{option.pk}-{code}") or 0
                for code, _label in self.grades
            }
            for option in self.options
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        errors = rules.paper_tally_errors(
            self.poll.rule,
            issued=cleaned["issued"],
            returned=cleaned["returned"],
            valid=cleaned["valid"],
            invalid=cleaned["invalid"],
            counts=self.counts,
            labels={o.pk: o.label for o in self.options},
        )
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


# --- Money as officials write it -----------------------------------------------------------

UNITS = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
UNIT_ALIASES = {"亿元": "亿元", "亿": "亿元", "万元": "万元", "万": "万元", "元": "元"}
# The model's label names the stored unit ("投资额（元）"); beside a unit picker that reads as a lie.
STORED_UNIT_RE = re.compile(r"\s*[（(]\s*(?:元|yuan)\s*[)）]\s*$")
AMOUNT_RE = re.compile(r"^\s*([0-9][0-9,，]*(?:\.[0-9]+)?)\s*(亿元|亿|万元|万|元)?\s*$")


def parse_money(text: str, default_unit: str = "万元") -> Decimal:
    """'2.2亿元', '1500万元', '1500' (in `default_unit`), '1,500.5万' → Decimal yuan.

    Raises ValueError with no message when the text is not an amount."""
    match = AMOUNT_RE.match(text or "")
    if not match:
        raise ValueError(text)
    number = Decimal(match.group(1).replace(",", "").replace("，", ""))
    unit = UNIT_ALIASES[match.group(2)] if match.group(2) else default_unit
    try:
        return (number * UNITS[unit]).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError(text) from None


def money_parts(yuan) -> tuple[str, str]:
    """Decimal yuan → (number, unit) as an official would write it: 亿元 from 1 亿, else 万元."""
    if yuan in (None, ""):
        return "", "万元"
    yuan = Decimal(yuan)
    for unit in ("亿元", "万元"):
        value = yuan / UNITS[unit]
        if abs(value) >= 1 and value == value.quantize(Decimal("0.0001")):
            return format(value.normalize(), "f"), unit
    return format(yuan.normalize(), "f"), "元"


class MoneyWidget(forms.MultiWidget):
    def __init__(self, attrs=None):
        unit_choices = [(unit, unit) for unit in ("万元", "亿元", "元")]
        super().__init__(
            [
                forms.TextInput(attrs={"inputmode": "decimal", "size": 12, **(attrs or {})}),
                forms.Select(choices=unit_choices, attrs={"aria-label": _("unit of the amount")}),
            ],
            attrs,
        )

    def decompress(self, value):
        if isinstance(value, (list, tuple)):
            return list(value)
        return list(money_parts(value))


class MoneyField(forms.MultiValueField):
    """An amount in 万元 or 亿元 as written in the documents ("2.2亿元", "1500万元", or "1500" with
    the unit chosen beside it); cleaned to Decimal yuan with two places."""

    widget = MoneyWidget
    default_error_messages = {
        "invalid": _("Write an amount such as 1500, 1500万元 or 2.2亿元."),
    }

    def __init__(self, *, required=True, **kwargs):
        kwargs.pop("max_digits", None)
        kwargs.pop("decimal_places", None)
        if kwargs.get("label"):
            kwargs["label"] = STORED_UNIT_RE.sub("", str(kwargs["label"]))
        super().__init__(
            fields=[
                forms.CharField(required=False),
                forms.ChoiceField(choices=[(u, u) for u in UNITS], required=False),
            ],
            required=required,
            require_all_fields=False,
            **kwargs,
        )

    def compress(self, data_list):
        if not data_list or not (data_list[0] or "").strip():
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        text, unit = data_list[0], data_list[1] or "万元"
        try:
            value = parse_money(text, unit)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if value < 0:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value

    def has_changed(self, initial, data):
        try:
            return self.clean(data) != (Decimal(initial) if initial not in (None, "") else None)
        except forms.ValidationError:
            return True


def money_display(yuan) -> str:
    """Decimal yuan as written in documents: 2.2亿元, 1500万元."""
    number, unit = money_parts(yuan)
    return f"{number}{unit}" if number else "—"
