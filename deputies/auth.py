"""The logged-in user read with their deputy, in one query (settings.AUTHENTICATION_BACKENDS).

Every workspace page needs the user (the session's check, the menu) and the user's deputy with
their delegation and term (deputies.portal.deputy_required), and the frame shows the unread
notices' count (deputies.templatetags.workspace). Django's ModelBackend reads the user through
the ORM (~0.35 ms here, most of it building the query), then the workspace asked twice more.
WorkspaceBackend.get_user reads all three from one SELECT made once (~0.1 ms) and leaves the
deputy where Django's `user.deputy` looks for it, so `hasattr(user, "deputy")` costs nothing.
Logging in is ModelBackend's, unchanged.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import connection, models

from congress.kit.sqlvalues import aware
from congress.models import Term
from deputies.models import Delegation, Deputy

# The unread notices' count read with the user (deputies only, else NULL): kept on the user
# under this name for the workspace's frame.
UNREAD_ATTRIBUTE = "_workspace_unread_notices"

_Parts = list[tuple[type[models.Model], list[models.Field]]]


def _select_sql(base: str) -> tuple[str, _Parts]:
    """SELECT the deputy with their delegation and term (after the user's columns when `base`
    is "user") WHERE the user's id = %s; each model's fields in the order of its columns."""
    user_model = get_user_model()
    tables: list[tuple[type[models.Model], str]] = [(Deputy, "d"), (Delegation, "g"), (Term, "t")]
    if base == "user":
        tables.insert(0, (user_model, "u"))
    parts: _Parts = []
    columns = []
    for model, alias in tables:
        fields = list(model._meta.concrete_fields)
        parts.append((model, fields))
        columns.append(", ".join(f'{alias}."{field.column}"' for field in fields))
    delegation = Deputy._meta.get_field("delegation")
    term = Deputy._meta.get_field("term")
    user = Deputy._meta.get_field("user")
    # A user with no deputy is a row of NULLs after the user's columns: every join is LEFT.
    # The models' own table and column names only: nothing a person typed.
    joins = (
        f' LEFT JOIN {Delegation._meta.db_table} g ON g.id = d."{delegation.column}"'  # type: ignore[union-attr]
        f' LEFT JOIN {Term._meta.db_table} t ON t.id = d."{term.column}"'  # type: ignore[union-attr]
    )
    if base == "user":
        sql = (
            f"SELECT {', '.join(columns)},"  # noqa: S608
            # The notices' table by name: congress.notices is a lower layer than this app.
            " CASE WHEN d.id IS NULL THEN NULL ELSE (SELECT COUNT(*) FROM congress_notice n"
            "  WHERE n.user_id = u.id AND n.read_at IS NULL) END"
            f" FROM {user_model._meta.db_table} u"
            f' LEFT JOIN {Deputy._meta.db_table} d ON d."{user.column}" = u.id'  # type: ignore[union-attr]
            f"{joins} WHERE u.id = %s"
        )
    else:
        sql = (
            f"SELECT {', '.join(columns)} FROM {Deputy._meta.db_table} d"  # noqa: S608
            f'{joins} WHERE d."{user.column}" = %s'  # type: ignore[union-attr]
        )
    return sql, parts


_SQL: dict[str, tuple[str, _Parts]] = {}


def _instances(row, parts: _Parts) -> list[models.Model | None]:
    """Each part's instance from its slice of the row (None for a row of NULLs), its values
    made what the ORM makes of them: SQLite answers naive datetimes and 0/1 for booleans."""
    instances: list[models.Model | None] = []
    start = 0
    for model, fields in parts:
        values = list(row[start : start + len(fields)])
        start += len(fields)
        if values[0] is None:  # the primary key
            instances.append(None)
            continue
        for i, field in enumerate(fields):
            if values[i] is None:
                continue
            if isinstance(field, models.DateTimeField):
                values[i] = aware(values[i])
            elif isinstance(field, models.BooleanField):
                values[i] = bool(values[i])
        names = [field.attname for field in fields]
        instances.append(model.from_db(connection.alias, names, values))
    return instances


def _link(deputy: Deputy, delegation, term) -> None:
    Deputy._meta.get_field("delegation").set_cached_value(deputy, delegation)  # type: ignore[union-attr]
    Deputy._meta.get_field("term").set_cached_value(deputy, term)  # type: ignore[union-attr]


def _read(base: str, user_id) -> tuple[Any, list[models.Model | None]] | None:
    if base not in _SQL:
        _SQL[base] = _select_sql(base)
    sql, parts = _SQL[base]
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    return row, _instances(row, parts)


def deputy_of_user(user_id) -> Deputy | None:
    """The user's deputy with their delegation and term, or None (one query made once)."""
    found = _read("deputy", user_id)
    if found is None:
        return None
    deputy, delegation, term = found[1]
    if not isinstance(deputy, Deputy):
        return None
    _link(deputy, delegation, term)
    return deputy


def deputy_of(user) -> Deputy | None:
    """The user's deputy: the one WorkspaceBackend read with the user, or one query."""
    related = Deputy._meta.get_field("user").remote_field
    if related.is_cached(user):  # type: ignore[attr-defined]
        cached = related.get_cached_value(user)  # type: ignore[attr-defined]
        return cached if isinstance(cached, Deputy) else None
    return deputy_of_user(user.pk)


def unread_notices_read_with(user) -> int | None:
    """The unread notices' count WorkspaceBackend read with this deputy's user, or None."""
    return getattr(user, UNREAD_ATTRIBUTE, None)


class WorkspaceBackend(ModelBackend):
    def get_user(self, user_id):
        found = _read("user", user_id)
        if found is None:
            return None
        row, (user, deputy, delegation, term) = found
        assert user is not None  # noqa: S101  # the base table's row: never NULLs
        if not self.user_can_authenticate(user):
            return None
        if isinstance(deputy, Deputy):
            _link(deputy, delegation, term)
            Deputy._meta.get_field("user").set_cached_value(deputy, user)  # type: ignore[union-attr]
            setattr(user, UNREAD_ATTRIBUTE, row[-1])
        # None too: `user.deputy` then raises DoesNotExist without asking again.
        Deputy._meta.get_field("user").remote_field.set_cached_value(user, deputy)  # type: ignore[union-attr]
        return user

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            # Stop here: ModelBackend, listed after this backend only for the sessions it
            # logged in (Django checks a session's backend against the list), would check the
            # same password a second time. Django answers a PermissionDenied from a backend
            # exactly as it answers no backend accepting the credentials (user_login_failed).
            raise PermissionDenied
        return user
