"""The deputy's ballot and the staff's paper-tally form."""

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
