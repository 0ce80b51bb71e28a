"""`manage.py export_open_data <dir> [--year 2022] [--format csv --format json]`.

Writes every public dataset of /open-data/ into a folder, one file per dataset and format
(`deputies.csv`, `deputies.json` …), with the same content as the downloads.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from congress.opendata import datasets as opendata

WRITERS = {"csv": opendata.csv_chunks, "json": opendata.json_chunks}


class Command(BaseCommand):
    help = "Write every public open dataset as CSV and JSON files into a folder."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="folder to write into (created when missing)")
        parser.add_argument("--year", help="only this year, for the datasets that have one")
        parser.add_argument(
            "--format",
            action="append",
            choices=sorted(WRITERS),
            help="csv or json; both when not given",
        )
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, help="language of the labels"
        )

    def handle(self, *args, directory, year, format, language, **options):
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        formats = format or sorted(WRITERS)
        try:
            year = opendata.validate_year(year)
        except opendata.BadYear:
            raise CommandError(f"--year {year!r} is not a year the site can hold") from None
        with translation.override(language):
            for dataset in opendata.all_datasets():
                # Datasets without a year (stations) are written whole.
                wanted = year if dataset.has_year else None
                for fmt in formats:
                    path = folder / f"{dataset.slug}.{fmt}"
                    rows = -1  # the CSV header / the JSON head are not rows
                    with path.open("w", encoding="utf-8", newline="") as out:
                        for chunk in WRITERS[fmt](dataset, wanted):
                            out.write(chunk)
                            rows += 1
                    if fmt == "json":
                        rows -= 1  # the closing bracket
                    self.stdout.write(f"{path}: {rows} rows")
