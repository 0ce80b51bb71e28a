"""Back office for deputies, delegations, groups, stations, receptions and activities."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from congress.kit.admin import ReadOnlyMixin, apply_to_each
from congress.kit.import_admin import SheetAdmin
from congress.kit.privacy import mask_phone
from deputies import services
from deputies.models import (
    Activity,
    Delegation,
    Deputy,
    DeputyGroup,
    LiaisonStation,
    PointRule,
    PrivateExport,
    Reception,
    ReceptionSession,
)
from deputies.resources import DeputyResource, LiaisonStationResource, PublicDeputyResource

PRIVATE_EXPORT_PERM = "deputies.export_private_deputy"


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["name", "term", "town", "deputy_count"]
    list_filter = ["term"]
    list_select_related = ["term", "town"]
    search_fields = ["name", "town__name"]
    autocomplete_fields = ["town"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(deputy_count=Count("deputies"))

    @admin.display(description=Deputy._meta.verbose_name_plural, ordering="deputy_count")
    def deputy_count(self, obj):
        return obj.deputy_count


@admin.register(Deputy)
class DeputyAdmin(SheetAdmin):
    resource_classes = [DeputyResource]
    list_display = [
        "name",
        "card_number",
        "gender",
        "delegation",
        "party",
        "status",
        "masked_phone",
    ]
    list_filter = ["term", "status", "gender", "delegation"]
    list_select_related = ["delegation"]
    search_fields = ["name", "card_number", "occupation", "constituency"]
    autocomplete_fields = ["delegation", "user"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "term",
                    "card_number",
                    "name",
                    "gender",
                    "ethnicity",
                    "party",
                    "occupation",
                    "delegation",
                    "constituency",
                    "photo",
                    "bio",
                ]
            },
        ),
        (_("Mandate"), {"fields": ["status", "ended_on", "user"]}),
        (_("Private (staff only)"), {"fields": list(Deputy.PRIVATE_FIELDS)}),
    ]

    @admin.display(description=Deputy._meta.get_field("phone").verbose_name)
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    def get_import_resource_classes(self, request):
        return [DeputyResource]

    def get_export_resource_classes(self, request):
        # The public columns come first, so they are what the export form offers by default;
        # phone, ID number and birth date need their own permission. A crafted POST naming a
        # resource not in this list fails the form's validation.
        if request.user.has_perm(PRIVATE_EXPORT_PERM):
            return [PublicDeputyResource, DeputyResource]
        return [PublicDeputyResource]

    def get_export_data(self, file_format, request, queryset, **kwargs):
        resource_class = self.choose_export_resource_class(kwargs.get("export_form"), request)
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        if resource_class is DeputyResource:
            PrivateExport.objects.create(
                user=request.user,
                username=request.user.get_username(),
                rows=queryset.count(),
                file_format=file_format.get_title(),
            )
        return data


@admin.register(DeputyGroup)
class DeputyGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "term", "town", "leader", "member_count"]
    list_filter = ["term", "kind", "town"]
    list_select_related = ["term", "town", "leader"]
    search_fields = ["name"]
    autocomplete_fields = ["town", "leader", "members"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description=DeputyGroup._meta.get_field("members").verbose_name)
    def member_count(self, obj):
        return obj.member_count


@admin.register(LiaisonStation)
class LiaisonStationAdmin(SheetAdmin):
    resource_classes = [LiaisonStationResource]
    list_display = ["name", "town", "tier", "active", "order", "deputy_count"]
    list_filter = ["tier", "active", "town"]
    list_select_related = ["town"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["town", "deputies"]
    actions = ["open_reception_session"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(deputy_count=Count("deputies"))

    @admin.action(
        description=_("Open a reception session (residents sharing one address are not limited)"),
        permissions=["change"],
    )
    def open_reception_session(self, request, queryset):
        opened = []
        apply_to_each(
            self,
            request,
            queryset,
            lambda station: opened.append(
                services.reception_session_open(station=station, by=request.user)
            ),
        )
        if opened:
            ends = timezone.localtime(max(s.ends_at for s in opened))
            self.message_user(
                request,
                ngettext(
                    "Reception session open at %(count)d station until %(time)s.",
                    "Reception sessions open at %(count)d stations until %(time)s.",
                    len(opened),
                )
                % {"count": len(opened), "time": f"{ends:%H:%M}"},
                messages.SUCCESS,
            )

    @admin.display(
        description=LiaisonStation._meta.get_field("deputies").verbose_name,
        ordering="deputy_count",
    )
    def deputy_count(self, obj):
        return obj.deputy_count


@admin.register(Reception)
class ReceptionAdmin(admin.ModelAdmin):
    list_display = ["date", "station", "theme", "residents_received", "notice_date"]
    list_filter = ["station__town", "station"]
    list_select_related = ["station"]
    search_fields = ["theme", "station__name", "notes"]
    autocomplete_fields = ["station", "deputies"]
    date_hierarchy = "date"


@admin.register(ReceptionSession)
class ReceptionSessionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Sessions are opened from the station list (an action) or the deputy's workspace."""

    list_display = ["station", "opened_at", "ends_at", "opened_by", "open_now"]
    list_filter = ["station__town"]
    list_select_related = ["station", "opened_by"]
    search_fields = ["station__name"]
    date_hierarchy = "opened_at"
    actions = ["close_sessions"]

    @admin.display(boolean=True, description=_("open now"))
    def open_now(self, obj):
        return obj.is_open

    def has_change_permission(self, request, obj=None):
        # For the "close" action only; the rows themselves stay read-only (no change form).
        return (
            obj is None
            and request.user.has_perm("deputies.view_receptionsession")
            and request.user.has_perm("deputies.change_liaisonstation")
        )

    @admin.action(
        description=_("Close the selected reception sessions now"), permissions=["change"]
    )
    def close_sessions(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset.select_related("station"),
            lambda session: services.reception_session_close(session=session, by=request.user),
            lambda count: (
                ngettext(
                    "%(count)d reception session closed.",
                    "%(count)d reception sessions closed.",
                    count,
                )
                % {"count": count}
            ),
        )


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "deputy", "kind", "date", "hours", "verified"]
    list_filter = ["verified", "kind", "deputy__delegation"]
    list_select_related = ["deputy"]
    search_fields = ["title", "deputy__name", "deputy__card_number"]
    autocomplete_fields = ["deputy"]
    date_hierarchy = "date"
    actions = ["mark_verified"]

    @admin.action(description=_("Mark the selected activities as verified"))
    def mark_verified(self, request, queryset):
        count = services.activities_verify(activities=queryset, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d activity marked as verified.",
                "%(count)d activities marked as verified.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(PointRule)
class PointRuleAdmin(admin.ModelAdmin):
    # The model's clean() refuses a rule whose dates overlap another of its kind.
    list_display = ["kind", "points", "valid_from", "valid_to", "note"]
    list_filter = ["kind"]
    date_hierarchy = "valid_from"


@admin.register(PrivateExport)
class PrivateExportAdmin(admin.ModelAdmin):
    """Who exported deputies' private columns, when, and how many rows: read-only."""

    list_display = ["exported_at", "username", "rows", "file_format"]
    list_filter = ["exported_at"]
    search_fields = ["username"]
    date_hierarchy = "exported_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
