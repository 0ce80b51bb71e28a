"""The handling unit's admin page, with a way to invite the unit's clerk (proposals.handling.clerk_invite).

The unit (Organisation) is a congress model; the clerk's membership is a proposals one, and
imports point one way, so this module extends the congress admin rather than the reverse."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.admin import OrganisationAdmin
from congress.kit.admin import action_page, run_service
from congress.models import Organisation
from proposals.access import is_office
from proposals.handling.clerk_invite import unit_clerk_invite


class InviteClerkForm(forms.Form):
    username = forms.CharField(
        max_length=150, validators=[UnicodeUsernameValidator()], label=gettext_lazy("user name")
    )
    full_name = forms.CharField(max_length=150, label=gettext_lazy("name"))
    email = forms.EmailField(label=gettext_lazy("e-mail address"))

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken."))
        return username


def may_invite(request) -> bool:
    return is_office(request.user) and request.user.has_perm("congress.add_unitmembership")


class UnitAdmin(OrganisationAdmin):
    change_form_template = "admin/proposals/organisation_change_form.html"

    def get_urls(self):
        invite = path(
            "<int:pk>/invite-clerk/",
            self.admin_site.admin_view(self.invite_view),
            name="congress_organisation_invite",
        )
        return [invite, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"invite_url": None}
        if str(object_id).isdigit() and may_invite(request):
            extra["invite_url"] = reverse("admin:congress_organisation_invite", args=[object_id])
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def invite_view(self, request, pk):
        if not may_invite(request):
            raise PermissionDenied
        unit = get_object_or_404(Organisation, pk=pk)
        form = InviteClerkForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            done = run_service(
                request,
                lambda: unit_clerk_invite(
                    organisation=unit,
                    username=data["username"],
                    email=data["email"],
                    full_name=data["full_name"],
                    base_url=settings.SITE_URL or request.build_absolute_uri("/"),
                    by=request.user,
                ),
                _(
                    "%(name)s can now answer for %(unit)s: a link to set a password was mailed to %(email)s."
                )
                % {"name": data["full_name"], "unit": unit.name, "email": data["email"]},
            )
            if done:
                return HttpResponseRedirect(
                    reverse("admin:congress_organisation_change", args=[unit.pk])
                )
        return action_page(
            self,
            request,
            form=form,
            title=_("Invite a clerk for this unit"),
            subtitle=unit.name,
            opts=Organisation._meta,
            original=unit,
        )


admin.site.unregister(Organisation)
admin.site.register(Organisation, UnitAdmin)
