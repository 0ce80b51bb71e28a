"""Forms of the residents' opinion pages: the public form, tracking, rating, the portal's steps."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congress.kit.phones import validate_phone
from congress.models import Organisation, Town
from deputies.models import LiaisonStation, Reception
from proposals.forms import rating_choice
from proposals.models import (
    OPINION_CODE_LENGTH,
    OPINION_CONTENT_MAX,
    OpinionCategory,
    OpinionChannel,
    normalise_opinion_code,
)
from proposals.opinions.services import check_photos, validate_content


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """One <input type=file multiple>: a list of up to OPINION_MAX_PHOTOS checked photos."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        files = [super(PhotosField, self).clean(f, initial) for f in files if f]
        return check_photos(files)  # ValidationError beside the field; CheckedPhoto objects


CATEGORY_CHOICES = [("", _("— choose —")), *OpinionCategory.choices]


class OpinionFields(forms.Form):
    """What the public form and the deputy's reception form share."""

    category = forms.ChoiceField(label=_("What is it about?"), choices=CATEGORY_CHOICES)
    content = forms.CharField(
        label=_("Your opinion"),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": OPINION_CONTENT_MAX}),
        help_text=_("What is wrong, where, since when. 10 to 2,000 characters."),
        strip=True,
    )
    photos = PhotosField(
        label=_("Photos (optional)"),
        help_text=_("Up to 3 JPEG or PNG pictures, 5 MB each. Location data is removed."),
    )
    name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Mobile number (optional)"),
        max_length=20,
        required=False,
        help_text=_("Only the staff handling your opinion see it; it is never published."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    texts = forms.BooleanField(
        label=_("Text me at this number when my opinion is answered"),
        required=False,
    )

    def clean_content(self):
        return validate_content(self.cleaned_data["content"])

    def clean(self):
        data = super().clean()
        if data.get("texts") and not data.get("phone") and "phone" not in self.errors:
            self.add_error("texts", _("Give a mobile number to be texted."))
        return data

    def clean_phone(self):
        return validate_phone(self.cleaned_data["phone"])


class OpinionForm(OpinionFields):
    consent = forms.BooleanField(
        label=_(
            "I agree that what I send (and my name and number, if I give them) is used to handle this opinion."
        ),
        error_messages={"required": _("Please agree so that the deputies can handle it.")},
    )
    # The honeypot: people never see or reach it; form-filling robots fill it in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean(self):
        cleaned = super().clean()
        if self.cleaned_data.get("website"):
            raise ValidationError(
                _("Your opinion could not be accepted. Please try again."), code="honeypot"
            )
        return cleaned


class ReceptionOpinionForm(OpinionFields):
    """An opinion a deputy heard at a reception of one of their stations."""

    reception = forms.ModelChoiceField(Reception.objects.none(), label=_("Reception"))
    consent = forms.BooleanField(
        label=_("The resident agreed that the opinion and any contact details are recorded."),
        error_messages={"required": _("Record it only with the resident's agreement.")},
    )

    field_order = [
        "reception",
        "category",
        "content",
        "photos",
        "name",
        "phone",
        "texts",
        "consent",
    ]

    def __init__(self, *args, deputy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reception"].queryset = (
            Reception.objects.filter(station__deputies=deputy)
            .select_related("station")
            .order_by("-date", "station__name")
        )
        self.fields["reception"].label_from_instance = lambda r: f"{r.date:%Y-%m-%d} {r.station}"


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=100,
        help_text=_("The 8 characters you were given, e.g. K7M2QX9D."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        code = normalise_opinion_code(self.cleaned_data["code"])
        if len(code) != OPINION_CODE_LENGTH:
            raise ValidationError(_("A tracking code has 8 letters and digits."), code="length")
        return code


class RatingForm(forms.Form):
    rating = rating_choice(_("How satisfied are you with the answer?"))
    comment = forms.CharField(
        label=_("Anything to add (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Do not write your name or phone number here."),
    )


# -- the portal's handling steps -------------------------------------------------------------------


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Answer to the resident"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )


class RouteForm(forms.Form):
    organisation = forms.ModelChoiceField(Organisation.objects.active(), label=_("Handling unit"))


class EscalateForm(forms.Form):
    title = forms.CharField(label=_("Title of the suggestion"), max_length=200)


class NotAcceptForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel the resident should use"),
        choices=[("", _("— choose —")), *OpinionChannel.choices],
    )
    reason = forms.CharField(
        label=pgettext_lazy("opinion not accepted", "Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


# -- statistics filters ----------------------------------------------------------------------------


def year_choices():
    this_year = timezone.localdate().year
    return [("", _("All years"))] + [(str(y), str(y)) for y in range(this_year, 2019, -1)]


class StatsFilterForm(forms.Form):
    """/opinions/stats/?year=&station=&town= — an invalid value is a 400, not an empty page."""

    year = forms.TypedChoiceField(
        label=_("Year"), choices=year_choices, coerce=int, required=False, empty_value=None
    )
    town = forms.ModelChoiceField(
        Town.objects.all(), label=_("Town or street"), required=False, empty_label=_("All")
    )
    station = forms.ModelChoiceField(
        LiaisonStation.objects.filter(active=True),
        label=_("Station"),
        required=False,
        empty_label=_("All"),
    )
