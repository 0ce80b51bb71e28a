"""The figure registry: every number an annual review shows is computed here, never typed.

A review section names figures by key ("deputies.count, receptions.by_month"); the page and the
PDF look each key up in this registry and call its function with the review's year.

How another app contributes its figures
---------------------------------------
Create a module ``figures.py`` in the app (e.g. ``deputies/figures.py``). It is imported the first
time the registry is used (``autodiscover()``, a ``congress.kit.registry.Discovery("figures")``
over INSTALLED_APPS), so nothing else needs wiring::

    from django.db.models import Count, Max
    from django.utils.translation import gettext_lazy as _

    from congress.review.registry import FigureKind, data_version, figure

    @figure(
        "suggestions.received",
        label=_("Suggestions received"),
        definition=_("Suggestions registered at the year's session and between sessions."),
        unit=_("items"),
    )
    def suggestions_received(year: int) -> int:
        return Suggestion.objects.filter(registered_at__year=year).count()

    @figure(
        "suggestions.by_category",
        label=_("Suggestions by category"),
        definition=_("Suggestions registered in the year, by subject category."),
        kind=FigureKind.SERIES,  # value: a list of (label, number) pairs, drawn as bars
    )
    def suggestions_by_category(year): ...

    @data_version("suggestions")
    def suggestions_version(year: int):
        # Cheap: one aggregate query. Anything that changes when the year's data changes.
        return Suggestion.objects.filter(registered_at__year=year).aggregate(
            n=Count("id"), last=Max("updated_at")
        )

Rules:
- ``key`` is ``<namespace>.<name>`` in lower case (``[a-z0-9_]``); a key is registered once
  (a second registration raises ``DuplicateFigure``).
- The function takes the year and returns: an ``int`` (``FigureKind.COUNT``), a number 0–100
  (``PERCENT``: 94.3 means 94.3 %), a ``Decimal`` amount in yuan (``MONEY``: shown in 亿元/万元)
  or, for ``SERIES``, a list of ``(label, number)`` pairs (``chart="bars"``, the default) or of
  ``(month 1–12, number)`` pairs (``chart="months"``). ``None`` means "not known" and shows "—".
- It must be one cheap aggregate query (or a few): a review calls each key it shows once.
- Register a ``data_version`` for the data your figures read: the cached PDF of a review is
  re-rendered when the fingerprint made from every data version changes. Return anything with a
  stable ``repr`` (a dict of counts and max timestamps is typical).
- Labels, definitions and units are lazy translations, with their Chinese in your app's .po part.
- A figure that reads tables growing with the years (or one of many small queries) can be kept
  in a summary row instead (congress.kit.summaries): ``@figure(..., summary="supervision")``
  files the function under that summary, and the page reads its value from the year's row.
  The app's ``summaries.py`` registers the summary, its feeds and years, with
  ``summarised_values("supervision", year)`` as its computation. A value the row cannot hold as
  is (a Decimal, a label to translate) gets ``decode=``: stored is what the function returns,
  through JSON; shown is ``decode(stored)``.

A key that no app has registered yet (the app is not installed, or not written yet) never breaks a
review: staff see "—" with a note in the preview and the page, the public page and the PDF leave
it out, and the admin warns but saves — the key starts showing once the app registers it.
"""

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _

from congress.kit import summaries
from congress.kit.registry import Discovery

logger = logging.getLogger(__name__)

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
KEY_SEPARATORS = re.compile(r"[\s,;，、；]+")


class FigureKind(models.TextChoices):
    COUNT = "count", _("count")
    PERCENT = "percent", _("percentage")
    MONEY = "money", _("amount of money")
    SERIES = "series", _("series (drawn as a chart)")


class DuplicateFigure(ImproperlyConfigured):
    pass


@dataclass(frozen=True)
class Figure:
    key: str
    func: Callable[[int], Any]
    label: str
    definition: str
    unit: str = ""
    kind: str = FigureKind.COUNT
    chart: str = "bars"

    def compute(self, year: int):
        return self.func(year)


_figures: dict[str, Figure] = {}
_versions: dict[str, Callable[[int], Any]] = {}
# summary name → {figure key: the function computing the value kept in the summary row}
_summarised: dict[str, dict[str, Callable[[int], Any]]] = {}
_discovery = Discovery("figures")
# Bumped on every registration and removal: markup remembered from the figures' texts
# (congress.review.building) is keyed on it, so a key registered again is drawn anew.
_generation = 0


def figure(
    key: str,
    *,
    label,
    definition,
    unit="",
    kind: str = FigureKind.COUNT,
    chart: str = "bars",
    summary: str = "",
    decode: Callable[[Any], Any] | None = None,
):
    """Register the decorated function(year) as the figure `key` (kept in the summary row
    `summary` if given: see the module's docstring)."""
    if not KEY_RE.match(key):
        raise ImproperlyConfigured(f"Figure key {key!r} is not of the form 'namespace.name'.")
    if kind not in FigureKind.values:
        raise ImproperlyConfigured(f"Figure {key!r}: unknown kind {kind!r}.")
    if chart not in ("bars", "months"):
        raise ImproperlyConfigured(f"Figure {key!r}: chart must be 'bars' or 'months'.")

    def decorator(func):
        if key in _figures:
            raise DuplicateFigure(
                f"Figure {key!r} is already registered by {_figures[key].func.__module__}."
            )
        read = func
        if summary:
            _summarised.setdefault(summary, {})[key] = func
            read = _summary_reader(summary, key, decode or _DECODE.get(kind))
        global _generation
        _figures[key] = Figure(key, read, label, definition, unit, kind, chart)
        _generation += 1
        return func

    return decorator


def _money(value: Any) -> Any:
    return None if value is None else Decimal(str(value))


def _series(value: Any) -> Any:
    return None if value is None else [tuple(point) for point in value]


# What JSON changes in a value of each kind, undone when the page reads the row.
_DECODE: dict[str, Callable[[Any], Any]] = {
    FigureKind.MONEY: _money,
    FigureKind.SERIES: _series,
}


def _summary_reader(name: str, key: str, decode: Callable[[Any], Any] | None):
    def read(year: int) -> Any:
        value = summaries.read(name, [year])[year][key]
        return decode(value) if decode else value

    return read


def summarised_values(name: str, year: int) -> dict[str, Any]:
    """The values of the figures kept in the summary `name`, as its row stores them."""
    autodiscover()
    return {key: func(year) for key, func in sorted(_summarised.get(name, {}).items())}


def data_version(name: str):
    """Register function(year) → anything with a stable repr, part of the PDF's fingerprint."""

    def decorator(func):
        if name in _versions:
            raise DuplicateFigure(f"Data version {name!r} is already registered.")
        _versions[name] = func
        return func

    return decorator


def unregister(key: str) -> None:
    """Remove a figure (for tests that register throwaway figures)."""
    global _generation
    _figures.pop(key, None)
    _generation += 1


def generation() -> int:
    """Changes whenever a figure is registered or removed."""
    autodiscover()
    return _generation


def autodiscover() -> None:
    """Import every installed app's `figures.py` once (congress.kit.registry)."""
    _discovery.discover()


def get(key: str) -> Figure | None:
    autodiscover()
    return _figures.get(key)


def all_figures() -> list[Figure]:
    autodiscover()
    return sorted(_figures.values(), key=lambda f: f.key)


def parse_keys(text: str) -> list[str]:
    """Split a section's figure-key field (commas, spaces, new lines, Chinese commas) in order."""
    seen: list[str] = []
    for key in KEY_SEPARATORS.split(text or ""):
        if key and key not in seen:
            seen.append(key)
    return seen


def malformed_keys(keys: Iterable[str]) -> list[str]:
    return [key for key in keys if not KEY_RE.match(key)]


def unknown_keys(keys: Iterable[str]) -> list[str]:
    autodiscover()
    return [key for key in keys if key not in _figures]


def compute(keys: Iterable[str], year: int) -> dict[str, Any]:
    """Each registered key's value for the year, each function called once.

    A figure function that fails is logged and shows "—": one broken figure must not take the
    whole review (or its PDF) down.
    """
    autodiscover()
    values = {}
    with summaries.memo():  # figures that read the same summary row read it once
        summaries.preload([year])  # every summary's row of the year in one query
        for key in dict.fromkeys(keys):
            fig = _figures.get(key)
            if fig is None:
                continue
            try:
                values[key] = fig.compute(year)
            except Exception:
                logger.exception("Figure %s failed for %s", key, year)
                values[key] = None
    return values


def data_versions(year: int) -> list[tuple[str, str]]:
    """The data versions of every contributing app for the year, for the PDF's fingerprint."""
    autodiscover()
    return [(name, repr(_versions[name](year))) for name in sorted(_versions)]
