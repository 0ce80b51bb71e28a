"""Back office for residents' opinions (imported by proposals/admin.py).

Committee staff (superusers or holders of proposals.handle_opinion) see every opinion and take the
same steps as the deputies in their portal — accept, answer, route, turn down — plus closing an
answered opinion the resident never rated; each action calls proposals.opinions.services. Status
fields are read-only.

A handling-unit clerk (UnitMembership) sees only the opinions routed to their unit, read-only,
and records the unit's reply on its own page — like a suggestion's.

The resident's name and phone: shown (phone masked in the list) only to holders of
proposals.view_opinion_contact; nobody else's page reads them.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import BadRequest
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.kit.admin import (
    ReadOnlyInline,
    ServiceActions,
    own_pages,
    row_form_page,
    service_action,
)
from congress.kit.files import serve_private
from congress.kit.privacy import mask_phone
from congress.kit.uploads import attachment_kind
from congress.models import Organisation
from proposals.access import clerk_units
from proposals.adminkit import TimelineInline
from proposals.models import Assignment, Opinion, OpinionChannel, OpinionPhoto, Reply
from proposals.opinions import selectors, services
from proposals.opinions.forms import StatsFilterForm

CONTACT_PERM = "proposals.view_opinion_contact"


def is_opinion_office(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm("proposals.handle_opinion"))


def is_opinion_clerk(request) -> bool:
    return not is_opinion_office(request.user) and bool(clerk_units(request))


def sees_contact(request) -> bool:
    return request.user.is_active and request.user.has_perm(CONTACT_PERM)


# -- forms of the actions ---------------------------------------------------------------------------


class AdminAnswerForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea, label=gettext_lazy("Answer to the resident"))


class AdminRouteForm(forms.Form):
    organisation = forms.ModelChoiceField(
        Organisation.objects.active(), label=gettext_lazy("Handling unit")
    )
    on = forms.DateField(label=gettext_lazy("routed on"), initial=timezone.localdate)


class AdminNotAcceptForm(forms.Form):
    channel = forms.ChoiceField(
        choices=OpinionChannel.choices, label=gettext_lazy("Channel the resident should use")
    )
    reason = forms.CharField(widget=forms.Textarea, label=gettext_lazy("why it is not accepted"))


class AdminCloseForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea, required=False, label=gettext_lazy("internal note")
    )


class UnitReplyForm(forms.Form):
    replied_on = forms.DateField(label=gettext_lazy("replied on"), initial=timezone.localdate)
    text = forms.CharField(widget=forms.Textarea, label=gettext_lazy("text"))


# -- inlines ------------------------------------------------------------------------------------------


class PhotoInline(ReadOnlyInline):
    model = OpinionPhoto
    fields = ["view", "width", "height", "size"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("photo"))
    def view(self, obj):
        if not obj.ready:
            return _("Being processed")
        url = reverse("admin:proposals_opinion_photo", args=[obj.opinion_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open"))


class OpinionAssignmentInline(ReadOnlyInline):
    model = Assignment
    fk_name = "opinion"
    fields = ["organisation", "assigned_at", "due_date", "active"]
    readonly_fields = fields


class OpinionReplyInline(ReadOnlyInline):
    model = Reply
    fk_name = "opinion"
    fields = ["organisation", "replied_at", "text"]
    readonly_fields = fields


# -- the opinion admin ----------------------------------------------------------------------------------

PUBLIC_READONLY = [
    "code",
    "source",
    "station",
    "deputy",
    "reception",
    "category",
    "content",
    "status",
    "handling",
    "handled_by",
    "answer",
    "not_accepted_reason",
    "channel",
    "suggestion",
    "rating",
    "rating_comment",
    "reopen_count",
    "needs_attention",
    "submitted_at",
    "accepted_at",
    "routed_at",
    "replied_at",
    "rated_at",
    "closed_at",
]


@admin.register(Opinion)
class OpinionAdmin(ServiceActions, admin.ModelAdmin):
    view_on_site = False  # the tracking URL is the resident's secret (congress/kit/view_on_site.py)
    list_display = [
        "code",
        "submitted_at",
        "station",
        "category",
        "status",
        "contact",
        "needs_attention",
        "poster",
    ]
    list_filter = ["status", "category", "source", "needs_attention", "station__town", "station"]
    list_select_related = ["station", "deputy"]
    show_full_result_count = False  # a second count of the whole table on every filtered page
    search_fields = ["code"]
    date_hierarchy = "submitted_at"
    list_per_page = 50
    ordering = ["-submitted_at", "-id"]
    inlines = [PhotoInline, OpinionAssignmentInline, OpinionReplyInline, TimelineInline]
    actions = ["accept", "answer", "route", "not_accept", "close"]
    change_list_template = "proposals/opinion_admin_change_list.html"
    change_form_template = "proposals/opinion_admin_change_form.html"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not sees_contact(request):
            queryset = queryset.defer("name", "phone")
        if is_opinion_office(request.user):
            return queryset
        return queryset.for_unit(clerk_units(request))

    def get_fields(self, request, obj=None):
        if sees_contact(request):
            return [*PUBLIC_READONLY[:7], "name", "phone", "consent", *PUBLIC_READONLY[7:]]
        return PUBLIC_READONLY

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_search_fields(self, request):
        # Staff who may see contact details may also find an opinion by the resident's number.
        return ["code", "phone"] if sees_contact(request) else ["code"]

    def get_list_display(self, request):
        if sees_contact(request):
            return self.list_display
        return [name for name in self.list_display if name != "contact"]

    @admin.display(description=gettext_lazy("resident's mobile"))
    def contact(self, obj):
        return mask_phone(obj.phone) or "—"

    @admin.display(description=gettext_lazy("poster"))
    def poster(self, obj):
        if not obj.station_id:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("opinions:station_poster", args=[obj.station_id]),
            _("PDF"),
        )

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request,
            {
                **(extra_context or {}),
                "stats_url": reverse("admin:proposals_opinion_stats"),
            },
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        links = []
        if str(object_id).isdigit():
            links.append(
                (reverse("admin:proposals_opinion_reply", args=[object_id]), _("Record the reply"))
            )
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "unit_links": links}
        )

    # Permissions: staff as the model permissions say; clerks read their units' opinions.
    def has_module_permission(self, request):
        return super().has_module_permission(request) or is_opinion_clerk(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or is_opinion_clerk(request)

    def has_add_permission(self, request):
        return False  # opinions come from the public form and the deputies' portal

    def has_change_permission(self, request, obj=None):
        return is_opinion_office(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def may_act(self, request):
        return is_opinion_office(request.user)

    # What each bulk action does by the model's maps: (target status, step it needs).
    workflow_actions = {
        "accept": (Opinion.Status.ACCEPTED,),
        "answer": (Opinion.Status.REPLIED, "answer"),
        "route": (Opinion.Status.ROUTED,),
        "not_accept": (Opinion.Status.NOT_ACCEPTED,),
        "close": (Opinion.Status.CLOSED,),
    }

    # Actions (staff), one a row: the service (called with opinion=row, by=the user and the
    # form's fields), the action's name, what is said when done, the form asked for first.
    service_target = "opinion"
    # fmt: off
    accept = service_action(services.opinion_accept, gettext_lazy("Accept the selected opinions"), gettext_lazy("%(count)s opinions accepted."))
    answer = service_action(services.opinion_answer, gettext_lazy("Answer the resident…"), gettext_lazy("%(count)s opinions answered."), form=AdminAnswerForm, title=gettext_lazy("Answer the resident"))
    route = service_action(services.opinion_route, gettext_lazy("Route to a handling unit…"), gettext_lazy("%(count)s opinions routed."), form=AdminRouteForm, title=gettext_lazy("Route to a handling unit"))
    not_accept = service_action(services.opinion_not_accept, gettext_lazy("Do not accept…"), gettext_lazy("%(count)s opinions not accepted."), form=AdminNotAcceptForm, title=gettext_lazy("Do not accept"))
    close = service_action(services.opinion_close, gettext_lazy("Close answered opinions without a rating…"), gettext_lazy("%(count)s opinions closed."), form=AdminCloseForm, title=gettext_lazy("Close without a rating"))
    # fmt: on

    # Pages: the unit's reply, the photos, the statistics.
    def get_urls(self):
        return [
            *own_pages(
                self,
                ("stats/", self.stats_view, "stats"),
                ("<int:pk>/reply/", self.reply_view, "reply"),
                ("<int:pk>/photos/<int:photo_pk>/", self.photo_view, "photo"),
            ),
            *super().get_urls(),
        ]

    def _visible(self, request, pk) -> Opinion:
        if not self.has_view_permission(request):
            raise Http404
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def reply_view(self, request, pk):
        opinion = self._visible(request, pk)
        assignments = opinion.assignments.filter(active=True).select_related("organisation")
        if not is_opinion_office(request.user):
            assignments = assignments.filter(organisation_id__in=clerk_units(request))
        assignment = assignments.first()
        if assignment is None:
            raise Http404
        return row_form_page(
            self,
            request,
            opinion,
            form=UnitReplyForm(request.POST or None),
            title=_("Record the reply"),
            subtitle=f"{opinion.code} · {assignment.organisation}",
            call=lambda data: services.opinion_reply_record(
                opinion=opinion, organisation=assignment.organisation, by=request.user, **data
            ),
            done=_("The reply was recorded; the resident can read and rate it."),
        )

    def photo_view(self, request, pk, photo_pk):
        opinion = self._visible(request, pk)
        photo = get_object_or_404(OpinionPhoto, pk=photo_pk, opinion=opinion, ready=True)
        # A resident's upload: inert (nosniff, sandbox), private, and only if it is an image.
        name = f"{opinion.code}-{photo.pk}"
        return serve_private(photo.image, name, attachment_kind, {"png", "jpeg"})

    def stats_view(self, request):
        if not is_opinion_office(request.user):
            raise Http404
        form = StatsFilterForm(request.GET or None)
        filters = {}
        if form.is_bound:
            if not form.is_valid():
                request.invalid_filter_form = form
                raise BadRequest("invalid filter")
            filters = {k: v for k, v in form.cleaned_data.items() if v is not None}
        return TemplateResponse(
            request,
            "proposals/opinion_admin_stats.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Residents' opinions: figures"),
                "opts": self.model._meta,
                "form": form,
                "stats": selectors.opinion_stats(**filters),
                "attention": Opinion.objects.filter(needs_attention=True).aggregate(n=Count("id"))[
                    "n"
                ],
            },
        )
