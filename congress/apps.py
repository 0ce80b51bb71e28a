from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CongressConfig(AppConfig):
    name = "congress"
    verbose_name = _("Congress")

    def ready(self):
        from congress import pagecache, ratelimit  # noqa: F401 (ratelimit registers a check)

        pagecache.connect_signals()
