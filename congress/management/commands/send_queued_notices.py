"""Send the texts quiet hours held back; run every few minutes (cron), or rely on the task
backend's deferred run where it has one (django-tasks-db). See README, "Configuration"."""

from django.core.management.base import BaseCommand

from congress.notices.delivery import send_queued


class Command(BaseCommand):
    help = "Send the text messages held during the quiet hours once the morning has come."

    def handle(self, *args, **options):
        count = send_queued()
        self.stdout.write(f"{count} held text messages sent.")
