from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _

from congress.kit import (
    pagecache,
    ratelimit,  # noqa: F401 (ratelimit registers a check)
    summaries,
)


class CongressConfig(AppConfig):
    name = "congress"
    verbose_name = _("Congress")

    def ready(self):
        pagecache.connect_signals()
        summaries.connect_signals()
        # Third-party apps whose names are not translatable strings: name them in Chinese here
        # (their models' names are translated in locale/, see congress/kit/third_party_i18n.py).
        for label, name in (
            ("axes", _("Login lockouts")),
            ("django_tasks_database", _("Background tasks")),
        ):
            if label in apps.app_configs:
                apps.app_configs[label].verbose_name = name
