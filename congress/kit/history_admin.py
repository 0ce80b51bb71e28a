"""The change history (django-simple-history) of the records that matter, read-only in the admin.

Each tracked model's history is its own list: what changed, how (created / changed / deleted),
by whom and when, searchable and filterable. Nobody can add, edit or delete a history row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from congress.kit.admin import ReadOnlyMixin

if TYPE_CHECKING:  # generic in django-stubs only
    from django.contrib.admin.options import _FieldGroups
    from django.utils.functional import _StrOrPromise

    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = admin.ModelAdmin

# A history row (simple-history makes its model at run time, so it has no static type).
HistoryRow = Any

TRACKED = [
    ("proposals", "Suggestion", ["code", "title"]),
    ("proposals", "Motion", ["code", "title"]),
    ("proposals", "Reply", ["letter_number", "suggestion__code"]),
    ("proposals", "Opinion", ["code"]),
    ("supervision", "SupervisionItem", ["title"]),
    ("supervision", "Poll", ["title"]),
]


def history_row_label(row: HistoryRow) -> str:
    """A history row as "<record> · 2022年3月1日 09:30" in Beijing time (simple-history's own
    says "… as of <UTC time>")."""
    when = date_format(timezone.localtime(row.history_date), "DATETIME_FORMAT")
    return f"{row.instance} · {when}"


HISTORY_EVENTS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


class HistoryTypeFilter(admin.ChoicesFieldListFilter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title = _("event")


class HistoryDateFilter(admin.DateFieldListFilter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title = _("time")


class HistoryAdmin(ReadOnlyMixin, _ModelAdmin):
    # simple-history's own columns have untranslatable names (history_date …): each is shown
    # through a labelled column, the time in Beijing time, the event as 创建/修改/删除.
    list_display = [
        "when",
        "history_object_label",
        "event",
        "who",
        "status_if_any",
    ]
    list_filter = [("history_type", HistoryTypeFilter), ("history_date", HistoryDateFilter)]
    list_select_related = ["history_user"]
    ordering = ["-history_date", "-history_id"]

    def get_fields(self, request: HttpRequest, obj: HistoryRow | None = None) -> _FieldGroups:
        # The record's own fields, then the history's, labelled (simple-history's are not).
        own = [f.name for f in self.model._meta.fields if not f.name.startswith("history_")]
        return [*own, "when", "event", "who"]

    def get_readonly_fields(self, request: HttpRequest, obj: HistoryRow | None = None) -> list[str]:
        return cast(list[str], self.get_fields(request, obj))  # names only, as get_fields makes

    @admin.display(description=_("time"), ordering="history_date")
    def when(self, obj: HistoryRow) -> str:
        return date_format(timezone.localtime(obj.history_date), "DATETIME_FORMAT")

    @admin.display(description=_("event"), ordering="history_type")
    def event(self, obj: HistoryRow) -> _StrOrPromise:
        code: str = obj.history_type
        return HISTORY_EVENTS.get(code, code)

    @admin.display(description=_("by"), ordering="history_user")
    def who(self, obj: HistoryRow) -> str:
        user = obj.history_user
        return (user.get_full_name() or user.get_username()) if user else "—"

    @admin.display(description=_("record"))
    def history_object_label(self, obj: HistoryRow) -> str:
        return str(obj.instance)

    @admin.display(description=_("status"))
    def status_if_any(self, obj: HistoryRow) -> str:
        return obj.get_status_display() if hasattr(obj, "get_status_display") else ""


for app_label, model_name, search in TRACKED:
    model = apps.get_model(app_label, model_name)
    historical = model.history.model
    # simple-history names these "historical <name>" without gettext; set at run time (the
    # model's Meta is unchanged, so no migration), e.g. 代表建议 修改记录.
    historical.__str__ = history_row_label
    historical._meta.verbose_name = format_lazy(_("{name} history"), name=model._meta.verbose_name)
    historical._meta.verbose_name_plural = format_lazy(
        _("{name} history"), name=model._meta.verbose_name
    )
    admin.site.register(
        historical,
        type(f"{model_name}HistoryAdmin", (HistoryAdmin,), {"search_fields": search}),
    )
