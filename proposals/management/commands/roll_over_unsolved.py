"""The year-end roll-over (回头看): carry every item not solved by 31 December of a year into the
next year's look-back ledger. Idempotent; run it in the first days of January."""

from django.core.management.base import BaseCommand, CommandError

from congress.kit.errors import DomainError
from proposals.handling.services import roll_over_unsolved


class Command(BaseCommand):
    help = (
        "Carry the items of YEAR not solved by 31 December into the next year's look-back "
        "ledger (回头看); running it again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="the year that ended, e.g. 2022")

    def handle(self, *args, year: int, **options):
        try:
            made = roll_over_unsolved(year=year)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"{len(made)} items carried from {year} into {year + 1}.")
