"""The change history (django-simple-history) of the records that matter, read-only in the admin.

Each tracked model's history is its own list: what changed, how (created / changed / deleted),
by whom and when, searchable and filterable. Nobody can add, edit or delete a history row.
"""

from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from congress.adminkit import ReadOnlyMixin

TRACKED = [
    ("proposals", "Suggestion", ["code", "title"]),
    ("proposals", "Motion", ["code", "title"]),
    ("proposals", "Reply", ["letter_number", "suggestion__code"]),
    ("proposals", "Opinion", ["code"]),
    ("supervision", "SupervisionItem", ["title"]),
    ("supervision", "Poll", ["title"]),
]


class HistoryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "history_date",
        "history_object_label",
        "history_type",
        "history_user",
        "status_if_any",
    ]
    list_filter = ["history_type", "history_date"]
    list_select_related = ["history_user"]
    date_hierarchy = "history_date"
    ordering = ["-history_date", "-history_id"]

    @admin.display(description=_("record"))
    def history_object_label(self, obj):
        return str(obj.instance)

    @admin.display(description=_("status"))
    def status_if_any(self, obj):
        return obj.get_status_display() if hasattr(obj, "get_status_display") else ""


for app_label, model_name, search in TRACKED:
    model = apps.get_model(app_label, model_name)
    historical = model.history.model
    admin.site.register(
        historical,
        type(f"{model_name}HistoryAdmin", (HistoryAdmin,), {"search_fields": search}),
    )
