"""A paginated list filtered by django-filter that answers 400, not 500, to a bad filter value."""

from typing import TYPE_CHECKING, Any

from django.core.exceptions import BadRequest, ImproperlyConfigured
from django.db.models import QuerySet
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
