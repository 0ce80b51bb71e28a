"""Back office for the congress-wide reference data."""

from django.contrib import admin

from congress import (  # noqa: F401  (they register their admins)
    history_admin,
    review_admin,
)
from congress.importing import SheetAdmin
from congress.models import Category, Holiday, Meeting, Organisation, Session, Term, Town
from congress.resources import OrganisationResource


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["label", "number", "start_date", "end_date"]
    search_fields = ["number"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = [
        "label",
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
