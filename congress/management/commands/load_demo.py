"""`manage.py load_demo`: fill a demo database with Pinghu's 16th congress (see congress/demo)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from congress.demo import DEFAULT_PASSWORD, DemoContext, run, steps
from congress.kit.pagecache import bump_generation


class Command(BaseCommand):
    @property
    def help(self):  # a property: argparse needs a plain string, translated when asked for
        return _(
            "Load the demo data: Pinghu's 16th congress in 2022, with its deputies, stations, "
            "receptions and activities, a staff login and a login for every deputy. "
            "Running it again changes nothing."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=_("The password of every demo login (default: %(default)s)."),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Run even though DEBUG is off, that is, on a database that may be real."),
        )

    def handle(self, *args, password, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "DEBUG is off, so this may be a real database: the demo data would add "
                    "deputies and logins with a known password to it. Use --force if it is "
                    "really a demo."
                )
            )
        started = time.perf_counter()
        ctx = DemoContext(password=password, stdout=self.stdout)
        with transaction.atomic():
            run(ctx)
        bump_generation()  # bulk writes send no signals: drop every cached page ourselves
        elapsed = time.perf_counter() - started

        self.stdout.write(
            self.style.SUCCESS(_("Demo data loaded in %(seconds).1f s.") % {"seconds": elapsed})
        )
        for step in steps():
            for model in step.models:
                name = capfirst(model._meta.verbose_name_plural)
                count = model._default_manager.count()
                self.stdout.write(f"  {name} ({model._meta.label}): {count}")
        cards = sorted(ctx.deputies)
        self.stdout.write(_("Staff login: %(username)s") % {"username": "admin"})
        self.stdout.write(
            _("Deputy logins: %(first)s … %(last)s (card number in lower case)")
            % {"first": cards[0].lower(), "last": cards[-1].lower()}
        )
        self.stdout.write(_("Password for every demo login: %(password)s") % {"password": password})
