"""`manage.py check_summaries [--fix]`: compute every summary row again from scratch and report
each one that disagrees with what is stored (congress.kit.summaries). Exit status 1 if any does.

Stale or missing rows are no disagreement (their next reader computes them); `--stale` lists
them too. `--fix` stores afresh every slice that differs, is stale or is missing.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from congress.kit import pagecache, summaries


class Command(BaseCommand):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.help = _(
            "Check the summary rows against a full re-aggregation (exit 1 on any disagreement)."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix",
            action="store_true",
            help=_("Store afresh every slice that differs, is stale or is missing."),
        )
        parser.add_argument(
            "--stale", action="store_true", help=_("List stale or missing slices too.")
        )

    def handle(self, *args, fix=False, stale=False, **options):
        found = summaries.check(fix=fix, include_stale=stale)
        if fix and found:
            pagecache.touched(pagecache.EVERYTHING)  # pages cached with the wrong figures
        for item in found:
            where = {"name": item.name, "year": item.year}
            if item.stored is None:
                self.stdout.write(_("%(name)s %(year)s: stale or missing") % where)
            else:
                keys = ", ".join(item.differing)
                self.stdout.write(
                    _("%(name)s %(year)s: differs in %(keys)s") % {**where, "keys": keys}
                )
        if found:
            message = (
                _("%(count)d summary slices disagreed and were stored afresh.")
                if fix
                else _("%(count)d summary slices disagree with a full re-aggregation.")
            )
            raise CommandError(message % {"count": len(found)}, returncode=1)
        names = ", ".join(d.name for d in summaries.all_summaries())
        self.stdout.write(
            _("The summaries agree with a full re-aggregation: %(names)s.") % {"names": names}
        )
