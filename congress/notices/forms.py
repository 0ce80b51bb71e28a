from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from congress.kit.phones import validate_phone
from congress.notices import events
from congress.notices.models import NoticePreference, NoticeProfile


class PreferencesForm(forms.Form):
    """One row per kind of event: by e-mail, by text message (the inbox always has it)."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # A deputy's number is on their record (kept by the office); anyone else gives one here.
        self.own_mobile = not hasattr(user, "deputy")
        if self.own_mobile:
            profile = NoticeProfile.objects.filter(user=user).first()
            self.fields["mobile"] = forms.CharField(
                label=_("Mobile number for texts"),
                required=False,
                max_length=20,
                initial=profile.mobile if profile else "",
                help_text=_("Only you see it here; it is used for nothing but these texts."),
                widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            )
        saved = {p.event: p for p in NoticePreference.objects.filter(user=user)}
        for event in events.for_people():
            pref = saved.get(event.code)
            email = pref.email if pref else event.email
            sms = pref.sms if pref else event.sms
            self.fields[f"{event.code}__email"] = forms.BooleanField(
                required=False, initial=email, label=_("by e-mail")
            )
            if event.texted:
                self.fields[f"{event.code}__sms"] = forms.BooleanField(
                    required=False, initial=sms, label=_("by text message")
                )

    def rows(self):
        return [
            (
                event,
                self[f"{event.code}__email"],
                self[f"{event.code}__sms"] if event.texted else None,
            )
            for event in events.for_people()
        ]

    def clean_mobile(self):
        return validate_phone(self.cleaned_data["mobile"])

    @transaction.atomic
    def save(self):
        if self.own_mobile:
            NoticeProfile.objects.update_or_create(
                user=self.user, defaults={"mobile": self.cleaned_data["mobile"]}
            )
        for event in events.for_people():
            NoticePreference.objects.update_or_create(
                user=self.user,
                event=event.code,
                defaults={
                    "email": self.cleaned_data[f"{event.code}__email"],
                    "sms": bool(self.cleaned_data.get(f"{event.code}__sms")),
                },
            )
