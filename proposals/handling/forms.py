"""The deputy's rating of a unit's reply."""

from django import forms
from django.utils.translation import gettext_lazy as _

from proposals.forms import long_text, rating_choice
from proposals.models import Rating


class RatingForm(forms.Form):
    """A signer's rating of a reply: the handling process and the result, separately."""

    process_rating = rating_choice(_("How was it handled? (办理过程)"))
    result_rating = rating_choice(_("How good is the result? (办理结果)"))
    comment = long_text(
        _("Comment"),
        rows=5,
        help_text=_("Required when you are not satisfied: say why, so the unit can act on it."),
    )

    def clean(self):
        data = super().clean()
        unsatisfied = Rating.UNSATISFIED in (data.get("process_rating"), data.get("result_rating"))
        if unsatisfied and not data.get("comment", "").strip():
            self.add_error("comment", _("Say why you are not satisfied."))
        return data
