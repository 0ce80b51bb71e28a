"""`manage.py check_summaries [--fix]`: compute every summary row again from scratch and report
each one that disagrees with what is stored (congress.kit.summaries). Exit status 1 if any does.

Stale or missing rows are no disagreement (their next reader computes them); `--stale` lists
them too. `--fix` stores every slice afresh.
"""

from django.core.management.base import BaseCommand, CommandError

from congress.kit import summaries


class Command(BaseCommand):
    help = "Check the summary rows against a full re-aggregation (exit 1 on any disagreement)."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Store every slice afresh.")
        parser.add_argument(
            "--stale", action="store_true", help="List stale or missing slices too."
        )

    def handle(self, *args, fix=False, stale=False, **options):
        found = summaries.check(fix=fix, include_stale=stale)
        for disagreement in found:
            self.stdout.write(str(disagreement))
        checked = ", ".join(d.name for d in summaries.all_summaries())
        if found:
            fixed = " (fixed)" if fix else ""
            raise CommandError(f"{len(found)} summary slice(s) disagree{fixed}.", returncode=1)
        self.stdout.write(f"Summaries agree with a full re-aggregation: {checked}.")
