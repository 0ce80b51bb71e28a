"""The look-back ledger (回头看台账) in the back office: the office reads each year's entries, keeps
their follow-up notes, takes an entry off the ledger with its reason, and rolls a finished year
over (the same service as `manage.py roll_over_unsolved <year>`)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from congress.kit.admin import ServiceActions, action_page, own_pages, service_action
from congress.kit.errors import DomainError
from proposals.access import is_office
from proposals.handling import services as handling_services
from proposals.models import CarryOver


class DropForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea,
        label=gettext_lazy("why it is no longer followed"),
        help_text=gettext_lazy("Shown on the public ledger and the suggestion's page."),
    )


class RollOverForm(forms.Form):
    year = forms.IntegerField(
        min_value=2000,
        label=gettext_lazy("year that ended"),
        initial=lambda: timezone.localdate().year - 1,
        help_text=gettext_lazy(
            "Every item of that year not solved by 31 December is entered in the next year's "
            "ledger; running it again adds nothing."
        ),
    )


def _rolled(count: int) -> str:
    return ngettext(
        "%(count)s item carried into the next year's ledger.",
        "%(count)s items carried into the next year's ledger.",
        count,
    ) % {"count": count}


@admin.register(CarryOver)
class CarryOverAdmin(ServiceActions, admin.ModelAdmin):
    list_display = ["suggestion", "from_year", "to_year", "reason", "promised_by", "status"]
    list_filter = ["to_year", "status", "reason"]
    list_select_related = ["suggestion"]
    search_fields = ["suggestion__code", "suggestion__title"]
    fields = (
        "suggestion",
        "from_year",
        "to_year",
        "reason",
        "promised_by",
        "status",
        "closed_on",
        "drop_reason",
        "notes",
        "created_at",
    )
    # Only the follow-up notes are typed; the rest is the services'.
    readonly_fields = tuple(f for f in fields if f != "notes")
    actions = ["drop"]
    service_target = "carry_over"
    workflow_actions = {"drop": (CarryOver.Status.DROPPED,)}
    change_list_template = "proposals/carryover_admin_change_list.html"

    drop = service_action(
        handling_services.carry_over_drop,
        gettext_lazy("Take off the ledger, with the reason…"),
        gettext_lazy("%(count)s entries taken off the ledger."),
        form=DropForm,
    )

    def has_module_permission(self, request):
        return is_office(request.user)

    def has_view_permission(self, request, obj=None):
        return is_office(request.user)

    def has_change_permission(self, request, obj=None):
        return is_office(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def may_act(self, request):
        return is_office(request.user)

    def get_urls(self):
        return [
            *own_pages(self, ("roll-over/", self.roll_over_view, "roll_over")),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {"roll_over_url": reverse("admin:proposals_carryover_roll_over")}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def roll_over_view(self, request):
        if not is_office(request.user):
            raise PermissionDenied
        form = RollOverForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                made = handling_services.roll_over_unsolved(
                    year=form.cleaned_data["year"], by=request.user
                )
            except DomainError as error:
                form.add_error("year", error.message)
            else:
                self.message_user(request, _rolled(len(made)))
                return HttpResponseRedirect(reverse("admin:proposals_carryover_changelist"))
        return action_page(self, request, form=form, title=_("Roll a year over (回头看)"))
