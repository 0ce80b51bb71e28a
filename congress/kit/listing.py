"""A paginated list filtered by django-filter that answers 400, not 500, to a bad filter value."""

from django.core.exceptions import BadRequest
from django.views.generic import ListView

from congress.kit.pagecache import accept_params


class FilteredListView(ListView):
    """ListView + FilterSet. Subclasses set `filterset_class` and `get_base_queryset()`.

    An invalid filter value raises BadRequest, which the 400 handler renders with the form's
    errors (kept on the request so the page can say which field was wrong).
    """

    filterset_class = None
    paginate_by = 24

    def get_base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        accept_params(self.request, [*self.filterset_class.base_filters, self.page_kwarg])
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=self.get_base_queryset(), request=self.request
        )
        if self.filterset.is_bound and not self.filterset.is_valid():
            self.request.invalid_filter_form = self.filterset.form
            raise BadRequest("invalid filter")
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        return context
