"""Small pieces the admin modules of every app share: read-only rows, and running a service from
an admin action or page so that a refusal (a DomainError) becomes a message, never a 500.

- `own_pages(modeladmin, ...)`: a model admin's own pages, named as the admin names its pages.
- `run_service(request, call)`: one call; a refusal becomes an error message.
- `apply_to_each(...)`: an action over the selected rows; each refusal is named, the rest go on.
- `action_page(...)`: the intermediate page of an action that needs input, and the admin's own
  one-form pages (a clerk's reply, an invitation).
- `row_form_page(...)`: such a page about one row, which calls a service and goes back to the row.
- `form_action(...)`: an action with such a page: the form, then the service for each row.
- `service_action(...)`: an action, with or without a form page, declared in one line, for
  services that take the row, `by=` and the form's fields as keywords (the proposals' services).
- `ServiceActions`: the admin mixin those actions need: the row's keyword, who may act; its
  change list writes each row's checkbox directly (`action_checkbox`).
- `joined_filter(*related)`: a related-field list filter whose options' names read a related row
  (a session's term), fetched with the options in one query.
- `make_from_form(...)`: an action whose form makes one new thing, then goes to it.
- `run_for_form(form, call)`: a service called from a bound form; a refusal goes on the form.
- `ServiceCheckedForm`: a model form whose `clean` asks the service's check first;
  `service_checked_form(...)` makes one in a line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import ActionLocation
from django.db import models
from django.db.models.options import Options
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from congress.kit import workflow
from congress.kit.errors import DomainError

if TYPE_CHECKING:  # generic in django-stubs only
    from django.utils.functional import _StrOrPromise as Text

    _TabularInline = admin.TabularInline[Any, Any]
    _ModelForm = forms.ModelForm[Any]
    _AdminMixin = admin.ModelAdmin[Any]  # ServiceActions is mixed into model admins

    ModelAdmin = admin.ModelAdmin[Any]
    # What apply_to_each reports once done: a sentence with %(count)s, or a function of the count.
    DoneMessage = Text | Callable[[int], Text] | None
    # An admin action: called with the model admin, the request and the selected rows.
    AdminAction = Callable[[Any, HttpRequest, Iterable[Any]], TemplateResponse | None]
else:
    _TabularInline = admin.TabularInline
    _ModelForm = forms.ModelForm
    _AdminMixin = object


class ReadOnlyMixin:
    """Rows that belong to the services: shown in the admin, never added, changed or deleted."""

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyMixin, _TabularInline):
    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return True


def own_pages(
    modeladmin: ModelAdmin, *pages: tuple[str, Callable[..., HttpResponseBase], str]
) -> list[URLPattern]:
    """A model admin's pages of its own, to put before its standard ones in `get_urls`: each a
    (route, view, suffix), named `<app>_<model>_<suffix>` as the admin names its own pages."""
    wrap = modeladmin.admin_site.admin_view
    opts = modeladmin.model._meta
    return [
        path(route, wrap(view), name=f"{opts.app_label}_{opts.model_name}_{suffix}")
        for route, view, suffix in pages
    ]


def run_service(
    request: HttpRequest, call: Callable[[], object], success: Text | None = None
) -> bool:
    """Call a service, turning a DomainError into an admin error message. True when it ran."""
    try:
        call()
    except DomainError as error:
        messages.error(request, error.message)
        return False
    if success:
        messages.success(request, success)
    return True


def run_service_on_form(
    request: HttpRequest, form: forms.BaseForm, call: Callable[[], object], success: Text | None
) -> bool:
    """`run_service`, but a refusal whose code is the name of one of the form's fields is put
    beside that field (the date a clerk got wrong), not only at the top of the page."""
    try:
        call()
    except DomainError as error:
        if error.code and error.code in form.fields:
            form.add_error(error.code, error.message)
        else:
            messages.error(request, error.message)
        return False
    if success:
        messages.success(request, success)
    return True


def apply_to_each(
    modeladmin: ModelAdmin,
    request: HttpRequest,
    queryset: Iterable[Any],
    call: Callable[[Any], object],
    done_message: DoneMessage = None,
) -> list[Any]:
    """Call a service for each selected row; a refusal is reported with the row's name and the
    others go on. `done_message` has a %(count)s, or is a function of the count (for ngettext).
    Returns the rows the service took."""
    done = []
    for obj in queryset:
        try:
            call(obj)
        except DomainError as error:
            modeladmin.message_user(request, f"{obj}: {error.message}", messages.ERROR)
        else:
            done.append(obj)
    if done and done_message:
        count = len(done)
        text = done_message(count) if callable(done_message) else done_message % {"count": count}
        modeladmin.message_user(request, text, messages.SUCCESS)
    return done


def action_page(
    modeladmin: ModelAdmin,
    request: HttpRequest,
    *,
    form: forms.BaseForm,
    title: Text,
    queryset: Iterable[Any] | None = None,
    opts: Options[Any] | None = None,
    **extra: Any,
) -> TemplateResponse:
    """The page of one form in the admin's frame: an action's intermediate step (with the
    selected rows, posted back with `apply`) or a page of its own (`original`, `subtitle`)."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "opts": opts or modeladmin.model._meta,
        **extra,
    }
    if queryset is not None:
        context |= {
            "queryset": queryset,
            "action": request.POST.get("action"),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
    return TemplateResponse(request, "admin/action_form.html", context)


def row_form_page(
    modeladmin: ModelAdmin,
    request: HttpRequest,
    obj: models.Model,
    *,
    form: forms.BaseForm,
    title: Text,
    call: Callable[[dict[str, Any]], object],
    done: Text | None,
    subtitle: Text | None = None,
    **extra: Any,
) -> HttpResponseBase:
    """A page of its own about one row (a clerk's reply, an invitation): a valid POST runs
    `call(cleaned_data)`; once the service took it, back to the row's change page. A refusal
    whose code names one of the form's fields is shown beside that field, others above."""
    if request.method == "POST" and form.is_valid():
        if run_service_on_form(request, form, lambda: call(form.cleaned_data), done):
            opts = obj._meta
            change = f"admin:{opts.app_label}_{opts.model_name}_change"
            return HttpResponseRedirect(reverse(change, args=[obj.pk]))
    return action_page(
        modeladmin,
        request,
        form=form,
        title=title,
        subtitle=str(obj) if subtitle is None else subtitle,
        original=obj,
        opts=obj._meta,
        **extra,
    )


def form_action(
    modeladmin: ModelAdmin,
    request: HttpRequest,
    queryset: Iterable[Any],
    *,
    form_class: type[forms.BaseForm],
    title: Text,
    call: Callable[[Any, dict[str, Any]], object],
    done_message: DoneMessage,
) -> TemplateResponse | None:
    """An action with an intermediate page: show the form, then apply `call(obj, cleaned_data)`
    to each row."""
    form = form_class(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        apply_to_each(
            modeladmin, request, queryset, lambda obj: call(obj, form.cleaned_data), done_message
        )
        return None
    return action_page(modeladmin, request, form=form, title=title, queryset=queryset)


def service_action(
    service: Callable[..., object],
    description: Text,
    done: DoneMessage,
    *,
    form: type[forms.BaseForm] | None = None,
    title: Text | None = None,
    **fixed: Any,
) -> AdminAction:
    """An admin action that calls `service(<target>=row, by=user, **form data, **fixed)` for each
    selected row, where <target> is the admin's `service_target` (the service's keyword for the
    row). With `form`, the action first asks for the form's fields on an intermediate page."""

    def action(
        modeladmin: ServiceActions, request: HttpRequest, queryset: Iterable[Any]
    ) -> TemplateResponse | None:
        def call(obj: Any, data: dict[str, Any] | None = None) -> object:
            kwargs = {modeladmin.service_target: obj, "by": request.user, **fixed}
            return service(**kwargs, **(data or {}))

        if form is None:
            apply_to_each(modeladmin, request, queryset, call, done)
            return None
        return form_action(
            modeladmin,
            request,
            queryset,
            form_class=form,
            title=title or description,
            call=call,
            done_message=done,
        )

    action.__name__ = getattr(service, "__name__", "service_action")
    return admin.action(description=description)(action)


class ServiceActions(_AdminMixin):
    """A model admin whose actions call services (`service_action`). `service_target` is the
    services' keyword for the row; `may_act` says who is offered the actions at all — the
    others see the list without them."""

    service_target = ""
    # What each bulk action does by the model's maps, {action: (target status, step it needs)}:
    # a list filtered on one status offers only the actions its items may take.
    workflow_actions: ClassVar[dict[str, workflow.Offer]] = {}

    def may_act(self, request: HttpRequest) -> bool:
        return True

    def action_checkbox(self, obj: Any) -> SafeString:
        """The row's checkbox, the same HTML as Django's, written directly: Django renders a
        CheckboxInput through the form renderer's templates for every row (about a sixth of a
        50-row change list's render)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

    def get_actions(
        self, request: HttpRequest, action_location: ActionLocation = ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        if not self.may_act(request):
            return {}
        actions = super().get_actions(request, action_location)
        if self.workflow_actions:
            model = cast(workflow.WorkflowModel, self.model)  # workflow_actions: it has a workflow
            actions = workflow.filter_admin_actions(request, actions, model, self.workflow_actions)
        return actions


def joined_filter(*related: str) -> type[admin.RelatedFieldListFilter]:
    """A `list_filter` class for a foreign key whose related rows' names read further rows
    (`str(session)` reads its term): the options come in one query with those rows joined,
    instead of one query an option. `("session", joined_filter("term"))`."""

    class JoinedFieldListFilter(admin.RelatedFieldListFilter):
        def field_choices(self, field, request, model_admin):  # type: ignore[no-untyped-def]
            rows = field.related_model._default_manager.select_related(*related)
            ordering = self.field_admin_ordering(field, request, model_admin)
            if ordering:
                rows = rows.order_by(*ordering)
            return [(row.pk, str(row)) for row in rows]

    return JoinedFieldListFilter


def make_from_form(
    modeladmin: ModelAdmin,
    request: HttpRequest,
    queryset: Iterable[Any] | None,
    *,
    form: forms.BaseForm,
    title: Text,
    call: Callable[[dict[str, Any]], Any],
    then: Callable[[Any], HttpResponseBase],
) -> HttpResponseBase:
    """An action that makes one thing from its form (a ballot, a candidate project): its page
    until the form is right and the service `call(cleaned_data)` took it — a refusal is shown on
    the form — then `then(the thing made)`, a response (to the new row's page)."""
    if form.is_valid():
        made = run_for_form(form, lambda: call(form.cleaned_data))
        if made is not None:
            return then(made)
    return action_page(modeladmin, request, form=form, title=title, queryset=queryset)


def run_for_form[T](form: forms.BaseForm, call: Callable[[], T]) -> T | None:
    """Call a service for a valid form and return what it returns; a refusal is put on the form
    (beside its fields, not as a page-wide message) and None returned."""
    try:
        return call()
    except DomainError as error:
        form.add_error(None, error.message)
        return None


class ServiceCheckedForm(_ModelForm):
    """A back-office form that runs its service's check in `clean`, so a refused step is shown
    beside the form instead of failing on save."""

    check: ClassVar[Callable[..., object]]  # each form's service check: keywords from cleaned_data
    check_fields: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # a ModelForm's clean returns cleaned_data
        if self.instance.pk is None and not any(f in self.errors for f in self.check_fields):
            try:
                type(self).check(**{f: cleaned.get(f) for f in self.check_fields})
            except DomainError as error:
                raise forms.ValidationError(error.message) from None
        return cleaned


def service_checked_form(
    model: type[models.Model],
    fields: Sequence[str],
    check: Callable[..., object],
    check_fields: Sequence[str] | None = None,
    **meta: Any,
) -> type[ServiceCheckedForm]:
    """A ServiceCheckedForm for `model` with `fields`, whose `clean` asks the service's `check`
    with `check_fields` (all the fields unless told)."""
    attrs = {
        "check": staticmethod(check),
        "check_fields": tuple(fields if check_fields is None else check_fields),
        "Meta": type("Meta", (), {"model": model, "fields": fields, **meta}),
        "__module__": check.__module__,
    }
    return cast(
        type[ServiceCheckedForm], type(f"{model.__name__}Form", (ServiceCheckedForm,), attrs)
    )
