"""How a site-wide feature finds what the apps contribute, without importing them.

Congress is the bottom layer: every app imports it, so it imports no app. A site-wide feature
(the annual review's figures, open data, the demo data, the home page, the staff to-do list, the
summary rows) keeps a registry, and each app contributes from a module of an agreed name —
``<app>/figures.py``, ``<app>/opendata.py``, ``<app>/demo.py``, ``<app>/todo.py``,
``<app>/summaries.py`` — that registers its entries when it
is imported. The feature asks its ``Discovery`` to import those modules before reading the
registry, as the admin finds every app's ``admin.py``::

    figures = Discovery("figures")

    def all_figures():
        figures.discover()  # imports each installed app's figures.py once, in INSTALLED_APPS order
        return sorted(_figures.values(), ...)

``own`` names modules of congress itself that contribute too; they are imported after the apps'
(the annual review's dataset comes last on /open-data/). Discovery runs once per process;
``discover()`` is cheap after that.
"""

import threading
from importlib import import_module

from django.utils.module_loading import autodiscover_modules


class Discovery:
    def __init__(self, module_name: str, *, own: tuple[str, ...] = ()):
        self.module_name = module_name
        self.own = own
        self.done = False
        self._lock = threading.RLock()

    def discover(self) -> None:
        """Import every installed app's module, then congress's own contributing modules."""
        if self.done:
            return
        with self._lock:
            if self.done:
                return
            autodiscover_modules(self.module_name)
            for name in self.own:
                import_module(name)
            self.done = True

    def __repr__(self) -> str:
        return f"Discovery({self.module_name!r})"
