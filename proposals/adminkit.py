"""Admin pieces the suggestion, motion and handling admins share: running a service from an
action or a form, the co-signature and timeline inlines.
"""

from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from congress.kit.admin import ReadOnlyInline, ReadOnlyMixin
from congress.kit.errors import DomainError
from proposals.access import PlainRelationsForClerks
from proposals.models import (
    Signature,
    Suggestion,
    TimelineEntry,
)

S = Suggestion.Status


def run_service(request, call, success: str | None = None) -> bool:
    """Call a service, turning a DomainError into an admin error message."""
    try:
        call()
    except DomainError as error:
        messages.error(request, error.message)
        return False
    if success:
        messages.success(request, success)
    return True


def apply_to_each(modeladmin, request, queryset, call, done_message: str) -> list:
    done = []
    for obj in queryset:
        try:
            call(obj)
            done.append(obj)
        except DomainError as error:
            modeladmin.message_user(request, f"{obj}: {error.message}", messages.ERROR)
    if done:
        modeladmin.message_user(request, done_message % {"count": len(done)}, messages.SUCCESS)
    return done


def form_action(modeladmin, request, queryset, *, form_class, title, call, done_message):
    """An action with an intermediate page: show the form, then apply the service to each row."""
    if "apply" in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            apply_to_each(
                modeladmin,
                request,
                queryset,
                lambda obj: call(obj, form.cleaned_data),
                done_message,
            )
            return None
    else:
        form = form_class()
    return TemplateResponse(
        request,
        "admin/proposals/action_form.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "queryset": queryset,
            "action": request.POST.get("action"),
            "opts": modeladmin.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


# -- read-only inlines (their rows belong to the services) ----------------------------------------


class SignatureInline(PlainRelationsForClerks, ReadOnlyInline):
    model = Signature
    plain_relations = ("deputy",)
    fk_name = "suggestion"
    fields = ["deputy", "status", "requested_at", "responded_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("deputy")


def file_link(url: str, name: str):
    """A link to a private file, served through proposals/files.py's checks."""
    return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, name)


class TimelineInline(PlainRelationsForClerks, ReadOnlyMixin, GenericTabularInline):
    model = TimelineEntry
    plain_relations = ("actor",)
    ct_field, ct_fk_field = "content_type", "object_id"
    extra = 0
    can_delete = False
    fields = ["at", "event", "actor", "actor_label", "note", "public"]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return True

    @admin.display(description=gettext_lazy("event"))
    def event(self, obj):
        return obj.get_action_display()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")
