"""Chinese for the words other apps show in the admin that their own catalogues lack in zh-hans
(django-axes, django-tasks-db, django-simple-history, django-import-export, and Django 6.1's
newest strings).

Django merges every catalogue into one per language and LOCALE_PATHS comes first, so a msgid
translated in locale/ applies to the library's own gettext() call. Marking the msgids here keeps
makemessages (and scripts/check_translations.py) from dropping them; nothing imports this module.
"""

from django.utils.translation import gettext_noop, ngettext

MSGIDS = [
    # Django 6.1: the empty choice of a select
    gettext_noop("- Select an option -"),
    gettext_noop("Filter by %(field_name)s"),
    # django-axes (login lockouts)
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Expires At"),
    gettext_noop("Logout Time"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Locked Out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Not set"),
    # django-tasks-db (background work)
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("finished at"),
    gettext_noop("priority"),
    gettext_noop("task path"),
    gettext_noop("queue name"),
    gettext_noop("backend name"),
    gettext_noop("run after"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    gettext_noop("traceback"),
    gettext_noop("worker id"),
    gettext_noop("args kwargs"),
    # django-simple-history (the history lists' columns and filter)
    gettext_noop("history date"),
    gettext_noop("history type"),
    gettext_noop("history user"),
    gettext_noop("history change reason"),
    gettext_noop("history id"),
    # django-import-export (the export and import pages)
    gettext_noop("Select all"),
    gettext_noop("Resource"),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    gettext_noop("Value could not be parsed."),
    gettext_noop("export failed due to IllegalCharacterError"),
    gettext_noop(
        "%(exc_name)s encountered while trying to read file. "
        "Ensure you have chosen the correct format for the file."
    ),
    gettext_noop(
        "No valid data to import. Ensure your file has the correct headers or data for import."
    ),
]


def _plurals() -> None:  # never called: marks plural msgids for makemessages
    ngettext("Export %(len)s selected item.", "Export %(len)s selected items.", 1)
