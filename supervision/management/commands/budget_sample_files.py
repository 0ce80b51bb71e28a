"""Write a sample xlsx of each monthly sheet of the budget register (the documented formats)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from supervision.budget.samples import write_samples


class Command(BaseCommand):
    help = (
        "Write one sample xlsx per budget register (execution by department and by functional "
        "classification, the four budgets, 三公, transfers, the reserve fund, debt) into a folder."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="The folder to write the files into (made if missing).")
        parser.add_argument(
            "--month", type=int, default=11, help="The month of 2022 to write (1–12; default 11)."
        )

    def handle(self, *args, folder, month, **options):
        if not 1 <= month <= 12:
            raise CommandError("--month takes a month from 1 to 12.")
        try:
            paths = write_samples(Path(folder), month=month)
        except OSError as error:
            raise CommandError(f"Cannot write into {folder}: {error}") from None
        for path in paths:
            self.stdout.write(str(path))
