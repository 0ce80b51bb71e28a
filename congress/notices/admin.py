"""Back office: the notices sent and the delivery log, both read-only (no phone, no address)."""

from django.contrib import admin

from congress.notices.models import Delivery, Notice


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ("created_at", "channel", "status", "attempt", "fallback", "not_before", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnly):
    list_display = ("subject", "event", "user", "created_at", "read_at")
    list_filter = ("event", ("read_at", admin.EmptyFieldListFilter))
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    search_fields = ("subject",)
    fields = ("user", "event", "subject", "body", "url", "created_at", "read_at")
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ("created_at", "notice_id", "channel", "status", "attempt", "fallback", "error")
    list_filter = ("channel", "status", "fallback")
    date_hierarchy = "created_at"
    fields = (
        "notice",
        "channel",
        "status",
        "attempt",
        "fallback",
        "not_before",
        "provider_id",
        "error",
        "created_at",
    )
    raw_id_fields = ("notice",)
