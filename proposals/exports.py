"""The public CSV export of suggestions: the columns of the public pages, nothing else.

No deputy's phone, ID number or birth date, no staff name, no unpublished reply: the rows come
from the public selector, replies are published ones, and co-signers are confirmed ones, by name.
Cells that a spreadsheet would run as a formula are neutralised (congress.kit.importing).
"""

import csv

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from congress.kit.importing import escape_formula
from proposals.models import Assignment, Reply, Signature


class _Echo:
    """A file-like object whose write() hands the line back, for streaming."""

    def write(self, value):
        return value


def export_rows(queryset):
    """The CSV's rows: public columns only, formula-like cells neutralised."""
    yield [
        _("Item number"),
        _("Title"),
        _("Session"),
        _("Year"),
        _("Category"),
        _("Lead deputy"),
        _("Co-signing deputies"),
        _("Lead unit"),
        _("Co-handling units"),
        _("Status"),
        _("Reply class"),
        _("Replied on"),
        _("Key supervision"),
    ]
    queryset = queryset.prefetch_related(
        Prefetch(
            "signatures",
            Signature.objects.filter(status=Signature.Status.CONFIRMED)
            .select_related("deputy")
            .only("id", "suggestion_id", "status", "deputy__id", "deputy__name"),
        ),
        Prefetch(
            "assignments",
            Assignment.objects.filter(active=True).select_related("organisation"),
        ),
        Prefetch("replies", Reply.objects.published().filter(is_followup=False)),
    )
    for item in queryset.iterator(chunk_size=500):
        assignments = list(item.assignments.all())
        replies = list(item.replies.all())
        first = replies[0] if replies else None
        yield [
            escape_formula(value)
            for value in (
                item.code,
                item.title,
                item.session.label if item.session_id else _("Between sessions"),
                item.year,
                item.category.name if item.category_id else "",
                item.lead.name,
                "、".join(s.deputy.name for s in item.signatures.all()),
                "、".join(a.organisation.name for a in assignments if a.role == "lead"),
                "、".join(a.organisation.name for a in assignments if a.role == "co"),
                item.get_status_display(),
                first.reply_class if first else "",
                first.replied_at.isoformat() if first else "",
                _("yes") if item.key_supervision else _("no"),
            )
        ]


def csv_stream(queryset):
    writer = csv.writer(_Echo())
    yield "\ufeff"  # the byte-order mark that makes Excel read the file as UTF-8
    for row in export_rows(queryset):
        yield writer.writerow(row)
