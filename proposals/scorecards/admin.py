"""The back office of the units' scorecards: staff write each year's scheme and its criteria
(the rules as data), preview every unit's scorecard before publishing, and publish."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from congress.kit.admin import own_pages
from congress.models import Organisation
from proposals.models import ScorecardCriterion, ScorecardScheme
from proposals.scorecards import views


class CriterionInline(admin.TabularInline):
    model = ScorecardCriterion
    extra = 0
    fields = ["kind", "days", "min_share", "order"]


@admin.register(ScorecardScheme)
class ScorecardSchemeAdmin(admin.ModelAdmin):
    list_display = ["year", "name", "fail_on_any", "published", "preview_link"]
    list_filter = ["published"]
    fields = ["year", "name", "fail_on_any", "min_met", "published", "note"]
    inlines = [CriterionInline]

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        url = reverse("admin:proposals_scorecardscheme_preview", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("every unit's scorecard"))

    def get_urls(self):
        return [
            *own_pages(
                self,
                ("<int:pk>/preview/", self.preview_view, "preview"),
                ("<int:pk>/preview/<int:unit>/", self.preview_unit_view, "preview_unit"),
            ),
            *super().get_urls(),
        ]

    def _scheme(self, request, pk) -> ScorecardScheme:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(ScorecardScheme, pk=pk)

    def preview_view(self, request, pk):
        """Every unit's scorecard under the scheme, published or not (staff only)."""
        scheme = self._scheme(request, pk)
        context = views.year_context(scheme, preview=True)
        context["unit_preview"] = "admin:proposals_scorecardscheme_preview_unit"
        return TemplateResponse(request, "proposals/scorecards/year.html", context)

    def preview_unit_view(self, request, pk, unit):
        scheme = self._scheme(request, pk)
        organisation = get_object_or_404(Organisation, pk=unit)
        context = views.unit_context(scheme, organisation, preview=True)
        if context is None:
            raise Http404
        return TemplateResponse(request, "proposals/scorecards/unit.html", context)
