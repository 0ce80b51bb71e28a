"""A paginated list filtered by django-filter that answers 400, not 500, to a bad filter value;
the filters' widgets that keep a page cheap at any size of the tables: selects rendered in Python
(FastSelect) and a typed name resolved on the server instead of a select over every deputy or
unit (LookupFilter)."""

from collections.abc import Callable, Iterator, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from django.core.exceptions import BadRequest, ImproperlyConfigured, ValidationError
from django.db.models import Q, QuerySet
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from django_filters import FilterSet

from congress.kit.pagecache import accept_params

if TYPE_CHECKING:
    _ListView = ListView[Any]  # generic in django-stubs only
else:
    _ListView = ListView


class FilteredListView(_ListView):
    """ListView + FilterSet. Subclasses set `filterset_class` and `get_base_queryset()`.

    An invalid filter value raises BadRequest, which the 400 handler renders with the form's
    errors (kept on the request so the page can say which field was wrong).
    """

    filterset_class: type[FilterSet] | None = None
    filterset: FilterSet
    paginate_by = 24

    def get_base_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        if self.filterset_class is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a filterset_class")
        accept_params(self.request, [*self.filterset_class.base_filters, self.page_kwarg])
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=self.get_base_queryset(), request=self.request
        )
        if self.filterset.is_bound and not self.filterset.is_valid():
            self.request.invalid_filter_form = self.filterset.form  # type: ignore[attr-defined]
            raise BadRequest("invalid filter")
        qs: QuerySet[Any] = self.filterset.qs
        return qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        return context


def _escape(value: Any) -> str:
    """conditional_escape, without its lazy-string wrapper for the common case of a plain str
    (what conditional_escape does to one: html.escape); ~1 µs less an option."""
    return escape(value) if type(value) is str else conditional_escape(value)


class FastSelect(forms.Select):
    """A <select> whose options are written in Python rather than one template per option.

    Django renders each option through its own template and builds a dict of attributes for it
    (~20 µs each): a filter form of a few hundred options cost milliseconds a page. This writes
    the same HTML (attributes, optgroups, the first matching option selected) from the choices.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        values = set(self.format_value(value))
        chosen = [False]

        def option(option_value: Any, label: Any) -> str:
            text = "" if option_value is None else str(option_value)
            selected = text in values and (self.allow_multiple_selected or not chosen[0])
            chosen[0] = chosen[0] or selected
            mark = " selected" if selected else ""
            return f'<option value="{_escape(text)}"{mark}>{_escape(label)}</option>'

        parts = []
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):  # an optgroup
                rows = "".join(option(v, lab) for v, lab in label)
                parts.append(
                    f'<optgroup label="{conditional_escape(option_value)}">{rows}</optgroup>'
                )
            else:
                parts.append(option(option_value, label))
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(final_attrs),
            mark_safe("".join(parts)),  # noqa: S308 - each value and label is escaped above
        )


class _PlainFetch(forms.models.ModelChoiceIterator):  # type: ignore[type-arg]
    """Options read with one plain query. Django's iterator() opens a server-side cursor on
    PostgreSQL (DECLARE … WITH HOLD, FETCH, CLOSE): four round trips for a dozen rows."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


# django-filter ships no types: its classes are Any to mypy.
class _PlainFetchChoices(django_filters.fields.ModelChoiceIterator, _PlainFetch):  # type: ignore[misc]
    pass  # django-filter's null choice, then the plain fetch


class PlainFetchModelChoiceField(django_filters.fields.ModelChoiceField):  # type: ignore[misc]
    iterator = _PlainFetchChoices


def fixed_choices(options: Sequence[tuple[Any, Any]]) -> Callable[[], Sequence[tuple[Any, Any]]]:
    """A select's choices read once per request, for a filter's extra["choices"]: a callable,
    not the list, because the form deep-copies its fields' choices for every form it builds,
    and a list of a hundred options costs more to copy than to read."""
    return lambda: options


class FastSelectFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    """A FilterSet whose choice filters render with FastSelect and read their options with one
    plain query each."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for filter_ in self.filters.values():
            if isinstance(filter_, (django_filters.ChoiceFilter, django_filters.ModelChoiceFilter)):
                filter_.extra["widget"] = FastSelect
            if (
                isinstance(filter_, django_filters.ModelChoiceFilter)
                and filter_.field_class is django_filters.fields.ModelChoiceField
            ):
                filter_.field_class = PlainFetchModelChoiceField


LOOKUP_MAX_MATCHES = 500  # a name part matching more rows than this is too vague to filter by
_LARGEST_ID = 2**31 - 1


class LookupField(forms.CharField):
    """A text field naming rows of a table too long for a <select> (deputies, units).

    The visitor types a name or part of one; links may carry the row's id. Cleaning resolves the
    text to the ids of the rows it names — an id, else the rows whose first search field equals
    the text, else those where any search field contains it — in one query, and says so beside
    the field when nothing matches (the list then answers 400). The page renders one <input>
    whatever the size of the table.
    """

    default_error_messages = {
        "not_found": _("Nothing called “%(text)s” was found. Type part of the name."),
        "too_many": _("“%(text)s” matches too many names. Type more of the name."),
    }

    def __init__(
        self,
        *,
        queryset: "QuerySet[Any] | Callable[[], QuerySet[Any]]",
        search_fields: Sequence[str] = ("name",),
        not_found: str | None = None,
        **kwargs: Any,
    ):
        kwargs.setdefault("max_length", 50)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
        )
        super().__init__(**kwargs)
        self.queryset = queryset
        self.search_fields = tuple(search_fields)
        if not_found is not None:
            self.error_messages["not_found"] = not_found

    def get_queryset(self) -> QuerySet[Any]:
        return self.queryset() if callable(self.queryset) else self.queryset.all()

    def clean(self, value: Any) -> list[int] | None:
        text = super().clean(value)
        if not text:
            return None
        rows = self.get_queryset().order_by()
        if text.isdigit():
            if int(text) > _LARGEST_ID:
                raise ValidationError(self.error_messages["not_found"], "not_found", {"text": text})
            found = rows.filter(pk=int(text))
        else:
            contains = Q()
            for field in self.search_fields:
                contains |= Q(**{f"{field}__contains": text})
            found = rows.filter(contains)
        matches = list(found.values_list("pk", self.search_fields[0])[: LOOKUP_MAX_MATCHES + 1])
        exact = [pk for pk, name in matches if name == text]
        ids = exact or [pk for pk, _name in matches]
        if not ids:
            raise ValidationError(self.error_messages["not_found"], "not_found", {"text": text})
        if len(ids) > LOOKUP_MAX_MATCHES:
            raise ValidationError(self.error_messages["too_many"], "too_many", {"text": text})
        return ids


class LookupFilter(django_filters.Filter):  # type: ignore[misc]
    """A filter over a LookupField: its method gets the list of ids the typed text names.

    deputy = LookupFilter(label=…, queryset=Deputy.objects.all, method="filter_deputy")
    """

    field_class = LookupField
