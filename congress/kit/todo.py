"""The staff to-do list on the admin's front page: what is waiting for whom, with counts that
link to the filtered lists.

Each app contributes its rows with `register(provider)` from its own `todo.py` (found with
congress.kit.registry); a provider takes the request and returns TodoItem rows for the user (the
office sees everything, a unit clerk only their unit's). The page asks the registry and nothing
else (congress never imports the apps)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import HttpRequest

from congress.kit.registry import Discovery


@dataclass(frozen=True)
class TodoItem:
    label: str
    count: int
    url: str
    urgent: bool = False  # overdue and the like: shown first and marked


# A provider takes the request and returns the rows for its user.
Provider = Callable[[HttpRequest], Iterable[TodoItem]]

_providers: list[Provider] = []
_discovery = Discovery("todo")


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def items_for(request: HttpRequest) -> list[TodoItem]:
    if not (request.user.is_authenticated and request.user.is_active and request.user.is_staff):
        return []
    _discovery.discover()
    items = [item for provider in _providers for item in provider(request)]
    return sorted(items, key=lambda item: not item.urgent)
