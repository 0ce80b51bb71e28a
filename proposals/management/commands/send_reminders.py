"""Remind units and staff of the handling deadlines; run once a day (see README, deploy)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from proposals.handling.reminders import (
    send_promise_reminders,
    send_rating_reminders,
    send_reminders,
)


class Command(BaseCommand):
    help = "Remind units and staff of deadlines coming up or missed (idempotent; run daily)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", help="Act as if today were this date (YYYY-MM-DD), e.g. to catch up."
        )

    def handle(self, *args, today=None, **options):
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError("--today takes a date such as 2022-05-18") from None
        else:
            day = timezone.localdate()
        count = send_reminders(today=day)
        self.stdout.write(f"{count} reminders sent for {day.isoformat()}.")
        rated = send_rating_reminders(today=day)
        self.stdout.write(f"{rated} deputies reminded to rate a reply.")
        promised = send_promise_reminders(today=day)
        self.stdout.write(f"{promised} units reminded of a date they promised.")
