from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CongressConfig(AppConfig):
    name = "congress"
    verbose_name = _("Congress")

    def ready(self):
        from django.apps import apps

        from congress.kit import (
            pagecache,  # noqa: F401 (ratelimit registers a check)
            ratelimit,  # noqa: F401 (ratelimit registers a check)
        )

        pagecache.connect_signals()
        # Third-party apps whose names are not translatable strings: name them in Chinese here
        # (their models' names are translated in locale/, see congress/kit/third_party_i18n.py).
        for label, name in (
            ("axes", _("Login lockouts")),
            ("django_tasks_database", _("Background tasks")),
        ):
            if label in apps.app_configs:
                apps.app_configs[label].verbose_name = name
