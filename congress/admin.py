"""Back office for the congress-wide reference data."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from congress.kit import history_admin  # noqa: F401  (they register their admins)
from congress.kit.import_admin import SheetAdmin
from congress.models import Category, Holiday, Meeting, Organisation, Session, Term, Town
from congress.notices import admin as notices_admin  # noqa: F401  (they register their admins)
from congress.resources import OrganisationResource
from congress.review import admin as review_admin  # noqa: F401  (they register their admins)

# Permission names are stored in English when the tables are made ("Can add deputy"); the user
# and group pages show them in the reader's language instead: app · model · action.
PERMISSION_ACTIONS = {
    "add": _("add"),
    "change": _("change"),
    "delete": _("delete"),
    "view": _("view"),
}


def permission_label(permission: Permission) -> str:
    model = permission.content_type.model_class()
    if model is None:
        return str(permission)
    action, _sep, rest = permission.codename.partition("_")
    if action in PERMISSION_ACTIONS and rest == model._meta.model_name:
        what = f"{PERMISSION_ACTIONS[action]}{model._meta.verbose_name}"
    else:
        what = gettext(permission.name)  # a custom permission: its name is a msgid
    return f"{model._meta.app_config.verbose_name} | {model._meta.verbose_name} | {what}"


class TranslatedPermissions:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in ("permissions", "user_permissions"):
            field.queryset = field.queryset.select_related("content_type")
            field.label_from_instance = permission_label
        return field


admin.site.unregister(Group)
admin.site.register(Group, type("GroupAdmin", (TranslatedPermissions, GroupAdmin), {}))
admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), type("UserAdmin", (TranslatedPermissions, UserAdmin), {}))


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["__str__", "number", "start_date", "end_date"]
    search_fields = ["number"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "start_date",
        "end_date",
        "suggestion_deadline",
        "motion_deadline",
        "deputies_due",
        "deputies_present",
    ]
    list_filter = ["term"]
    list_select_related = ["term"]
    date_hierarchy = "start_date"


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "number", "date", "term"]
    list_filter = ["term", "kind"]
    list_select_related = ["term"]
    search_fields = ["agenda"]
    date_hierarchy = "date"


@admin.register(Town)
class TownAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "order"]
    list_editable = ["order"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Organisation)
class OrganisationAdmin(SheetAdmin):
    resource_classes = [OrganisationResource]
    list_display = ["name", "short_name", "kind", "parent", "town", "active", "order"]
    list_filter = ["kind", "active", "town"]
    list_select_related = ["parent", "town"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["parent", "town"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "term", "order"]
    list_filter = ["term"]
    list_select_related = ["term"]
    search_fields = ["name"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    # Working-day deadlines (returns, publication) follow this table: enter each year's
    # State Council holiday arrangement, including the weekends that are worked.
    list_display = ["date", "name", "is_working_day"]
    list_filter = ["is_working_day"]
    search_fields = ["name"]
    date_hierarchy = "date"
