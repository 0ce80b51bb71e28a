"""The one workflow mechanism: how every service changes the state of an item.

A model with a workflow declares, next to its `Status` choices:
- `TRANSITIONS`: status → the statuses it may become. It is the one place a state change is
  allowed: `transition()` refuses any other, and the portal and the admin ask `can_become()`
  before they offer a button.
- `STAMPS` (optional): status → the timestamp field set when the item reaches it.
- `STEPS` (optional): actions → the statuses they are allowed in; `require()` refuses them
  elsewhere and the pages ask `can()`. For the actions that keep the status (attach a file, ask
  for more time…), and for two actions that share a target from different states (a deputy's
  answer and a unit's reply both end in "answered").

A service then does, inside `transaction.atomic()`:

    suggestion = lock(Suggestion, pk)                     # parent first
    assignment = lock(Assignment, assignment_pk)          # then its child
    ...its own domain checks (deadlines, signers, the lead unit)...
    transition(suggestion, S.REPLIED, by=user, action="replied", notices=[...])

Lock order — parent before child, always the same, so that two services touching one item never
wait for each other's rows in opposite orders (a deadlock on PostgreSQL):
    1. the item: Suggestion, Motion, Opinion, Poll, SupervisionItem, LivelihoodProject …
       (two items of one model, as in a merge: the lower primary key first — `lock_many`);
    2. the item's assignments (Assignment);
    3. what hangs from those: ReturnRequest, ExtensionRequest, Reply, Signature, CoHandlerView.
A service that is handed a child reads its parent's id without a lock, then locks the parent,
then the child (`Assignment.suggestion_id` never changes, so the unlocked read is safe).

The timeline entry is written to the congress-wide timeline (congress.models.TimelineEntry);
notices run once the transaction has committed, so that a rolled-back step tells no one.
"""

import contextlib
import contextvars
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, ClassVar, NoReturn, Protocol

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.db.models.options import Options
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.kit.errors import DomainError
from congress.models import TimelineEntry, timeline_write

Notice = Callable[[], object]
_lock_log: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "workflow_lock_log", default=None
)


def timeline(
    item: "models.Model | WorkflowItem",
    action: str,
    by: AbstractBaseUser | None = None,
    note: str = "",
    *,
    public: bool = True,
    label: str = "",
) -> TimelineEntry:
    """Write one timeline entry for `item` (the action code names the event)."""
    return timeline_write(
        item=item, action=action, actor=by, actor_label=label, note=note, public=public
    )


class Workflow:
    """Mixed into a model with a workflow: the questions pages and services ask its maps."""

    status: str  # the model's status field

    TRANSITIONS: ClassVar[Mapping[str, Collection[str]]] = {}  # status → the statuses it may become
    STAMPS: ClassVar[Mapping[str, str]] = {}  # status → the timestamp field set on reaching it
    STEPS: ClassVar[Mapping[str, Collection[str]]] = {}  # action → the statuses it is allowed in

    def can_become(self, status: str) -> bool:
        """Whether the transition map lets the item go from its status to `status`."""
        return status in self.TRANSITIONS[self.status]

    def can(self, step: str) -> bool:
        """Whether `step`, an action that keeps the status, is allowed in the item's status."""
        return self.status in self.STEPS[step]


class WorkflowItem(Protocol):
    """What the helpers below use of an item: a model instance that mixes in Workflow."""

    status: str
    _meta: ClassVar[Options[Any]]

    @property
    def Status(self) -> type[models.TextChoices]: ...  # the model's nested choices

    def can_become(self, status: str) -> bool: ...
    def can(self, step: str) -> bool: ...
    def get_status_display(self) -> str: ...
    def save(self, *, update_fields: Iterable[str] | None = None) -> None: ...


class WorkflowModel(Protocol):
    """A model class with a workflow: its Status choices, and items made from a status."""

    @property
    def Status(self) -> type[models.TextChoices]: ...  # the model's nested choices

    def __call__(self, *, status: str) -> Workflow: ...


# An action's target status (None: it keeps the status) and, where it has one, its step.
Offer = tuple[str | None, *tuple[str, ...]]


def offered(model: WorkflowModel, status: str, actions: Mapping[str, Offer]) -> set[str]:
    """The actions an item in `status` may take, by the model's maps: each action names its
    target status and, where it has one, its step (`("registered",)`, `("assigned", "assign")`,
    `(None, "flag")` for a step that keeps the status)."""
    item = model(status=status)
    return {
        name
        for name, (to, *step) in actions.items()
        if (to is None or item.can_become(to)) and all(item.can(s) for s in step)
    }


def filter_admin_actions(
    request: HttpRequest,
    admin_actions: dict[str, Any],
    model: WorkflowModel,
    actions: Mapping[str, Offer],
) -> dict[str, Any]:
    """A changelist filtered on one status offers only the bulk actions its items may take
    (the others would be refused row by row); unfiltered, every action stays."""
    status = request.GET.get("status__exact")
    if status not in model.Status.values:
        return admin_actions
    allowed = offered(model, status, actions)
    return {k: v for k, v in admin_actions.items() if k not in actions or k in allowed}


# -- locks ---------------------------------------------------------------------------------------


def lock[M: models.Model](model: type[M], pk: Any) -> M:
    """The row of `model` with primary key `pk`, locked until the transaction ends.

    Call it parents first (see the module's docstring for the order)."""
    log = _lock_log.get()
    if log is not None:
        log.append(model._meta.label)
    return model._default_manager.select_for_update().get(pk=pk)


def lock_many[M: models.Model](model: type[M], *pks: Any) -> list[M]:
    """Several rows of one model, locked in primary-key order; returned in the order asked."""
    rows = {pk: lock(model, pk) for pk in sorted(set(pks))}
    return [rows[pk] for pk in pks]


@contextlib.contextmanager
def recording_locks() -> Iterator[list[str]]:
    """The models `lock()` takes, in order, while the block runs (for tests of the lock order)."""
    seen: list[str] = []
    token = _lock_log.set(seen)
    try:
        yield seen
    finally:
        _lock_log.reset(token)


# -- checks and the change itself ----------------------------------------------------------------


def _refuse(
    item: WorkflowItem, message: str | None, default: str, code: str, **extra: object
) -> NoReturn:
    values = {"status": item.get_status_display(), **extra}
    raise DomainError((message or default) % values, code=code)


def check(item: WorkflowItem, to: str, message: str | None = None, *, code: str = "state") -> None:
    """Raise DomainError unless the item's transition map lets it become `to`.

    `message` may name the current state as %(status)s and the target as %(target)s; the
    default sentence names both."""
    if not item.can_become(to):
        target = item.Status(to).label
        _refuse(
            item,
            message,
            _("This %(model)s is “%(status)s”: it cannot become “%(target)s”."),
            code,
            target=target,
            model=type(item)._meta.verbose_name,
        )


def require(
    item: WorkflowItem, step: str, message: str | None = None, *, code: str = "state"
) -> None:
    """Raise DomainError unless `step` (an action that keeps the status) is allowed now."""
    if not item.can(step):
        _refuse(
            item,
            message,
            _("This %(model)s is “%(status)s”: that cannot be done now."),
            code,
            model=type(item)._meta.verbose_name,
        )


def transition[W: WorkflowItem](
    item: W,
    to: str,
    *,
    by: AbstractBaseUser | None = None,
    action: str = "",
    note: str = "",
    public: bool = True,
    label: str = "",
    fields: Iterable[str] = (),
    stamp: bool = True,
    now: datetime | None = None,
    message: str | None = None,
    code: str = "state",
    notices: Iterable[Notice] = (),
) -> W:
    """Move a locked item to status `to`: check the map, set the status and its timestamp
    (the model's STAMPS, unless `stamp=False`), save the status, the timestamp and `fields`
    (the other fields the service set) with update_fields, write the timeline entry `action`
    (none when empty) and send `notices` once the transaction commits."""
    check(item, to, message, code=code)
    item.status = to
    update = ["status", *fields]
    stamp_field = getattr(item, "STAMPS", {}).get(to) if stamp else None
    if stamp_field:
        setattr(item, stamp_field, now or timezone.now())
        update.append(stamp_field)
    item.save(update_fields=list(dict.fromkeys(update)))
    if action:
        timeline(item, action, by, note, public=public, label=label)
    after_commit(*notices)
    return item


def after_commit(*notices: Notice) -> None:
    """Run each notice once the surrounding transaction commits; one that fails (a mail server
    down) is logged and neither undoes the step nor stops the others."""
    for notice in notices:
        transaction.on_commit(notice, robust=True)
