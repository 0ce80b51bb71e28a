"""Who is who in the back office for suggestions and motions: the congress office sees and
decides everything; a handling unit's clerk sees only the items assigned to their unit.
"""

from django.contrib import admin

from congress.kit.admin import ReadOnlyMixin
from proposals.models import (
    UnitMembership,
)

# -- who is who ---------------------------------------------------------------------------------


def is_office(user) -> bool:
    """Committee staff: may review, assign and decide. Clerks are not."""
    return user.is_active and (user.is_superuser or user.has_perm("proposals.handle_suggestion"))


def clerk_units(request) -> list[int]:
    """The units the user answers for (cached on the request).

    None for a visitor who is not logged in (the admin's login page asks every ModelAdmin's
    has_module_permission with an AnonymousUser, and so does every page of an expired session),
    nor for a disabled or non-staff account: the admin would not let them in anyway."""
    if not hasattr(request, "_proposal_units"):
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff:
            units = UnitMembership.objects.filter(user=user).values_list(
                "organisation_id", flat=True
            )
            request._proposal_units = list(units)
        else:
            request._proposal_units = []
    return request._proposal_units


def is_clerk(request) -> bool:
    return not is_office(request.user) and bool(clerk_units(request))


def _plain_display(model, name):
    field = model._meta.get_field(name)

    @admin.display(description=field.verbose_name)
    def show(self, obj):
        value = getattr(obj, name)
        return str(value) if value is not None else "—"

    return show


class PlainRelationsForClerks:
    """A clerk sees a related row (the deputy, the category, the acting user) as its name: the
    admin would link each to a change page the clerk is refused (403), so none is offered."""

    plain_relations: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in cls.plain_relations:
            if not hasattr(cls, f"{name}_plain"):
                setattr(cls, f"{name}_plain", _plain_display(cls.model, name))

    def _plainify(self, request, names):
        if is_office(request.user):
            return names
        return [f"{n}_plain" if n in self.plain_relations else n for n in names]

    def get_fields(self, request, obj=None):
        return self._plainify(request, super().get_fields(request, obj))

    def get_readonly_fields(self, request, obj=None):
        return self._plainify(request, super().get_readonly_fields(request, obj))

    def get_fieldsets(self, request, obj=None):
        return [
            (name, {**options, "fields": self._plainify(request, options["fields"])})
            for name, options in super().get_fieldsets(request, obj)
        ]


# -- replies, requests ------------------------------------------------------------------------------


class OfficeOnly(ReadOnlyMixin):
    def has_module_permission(self, request):
        return is_office(request.user)

    def has_view_permission(self, request, obj=None):
        return is_office(request.user)
