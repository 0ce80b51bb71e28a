from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deputies.models import Activity


class ActivityForm(forms.ModelForm):
    """What a deputy records in their own activity booklet."""

    class Meta:
        model = Activity
        fields = ["kind", "title", "date", "hours", "evidence"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "evidence": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "evidence": _("Where staff can check it: a meeting notice, a photo caption, minutes."),
        }

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("An activity cannot be dated in the future."))
        return date

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours is not None and not Decimal("0") <= hours <= Decimal("24"):
            raise forms.ValidationError(_("Enter between 0 and 24 hours."))
        return hours
