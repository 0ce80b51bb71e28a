"""Back office for the annual work reviews: write, preview, publish; see the cached PDFs.

Imported from congress/admin.py (`from congress import review_admin  # noqa: F401`).
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from congress.models import AnnualReview, ReviewPdf, ReviewSection
from congress.review import registry
from congress.review.services import review_publish, review_unpublish


class ReviewSectionInline(admin.StackedInline):
    model = ReviewSection
    extra = 0
    fields = ["order", "heading", "narrative", "figure_keys", "photo", "photo_alt", "photo_caption"]
    ordering = ["order", "id"]


@admin.register(AnnualReview)
class AnnualReviewAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "published", "published_on", "updated_at", "preview_link"]
    list_filter = ["published"]
    search_fields = ["title", "subtitle"]
    readonly_fields = ["published", "published_on", "preview_link", "available_figures"]
    fields = [
        "year",
        "title",
        "subtitle",
        "lead",
        ("published", "published_on"),
        "preview_link",
        "available_figures",
    ]
    inlines = [ReviewSectionInline]
    actions = ["publish", "unpublish"]

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        if not obj or not obj.pk:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("reviews:preview", args=[obj.year]),
            _("Preview the page"),
        )

    @admin.display(description=_("figure keys available"))
    def available_figures(self, obj):
        rows = format_html_join(
            "",
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            ((fig.key, fig.label, fig.definition) for fig in registry.all_figures()),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("key"),
            _("label"),
            _("definition"),
            rows,
        )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is not ReviewSection:
            return
        keys = [
            key
            for section in ReviewSection.objects.filter(review=form.instance)
            for key in section.keys
        ]
        unknown = registry.unknown_keys(dict.fromkeys(keys))
        if unknown:
            messages.warning(
                request,
                _(
                    "No installed app computes these figures yet: %(keys)s. They are saved; the "
                    "public page and the PDF leave them out until the app that provides them is "
                    "installed."
                )
                % {"keys": ", ".join(unknown)},
            )

    @admin.action(description=_("Publish the selected reviews"))
    def publish(self, request, queryset):
        self._run(request, queryset, review_publish, _("Reviews published: %(count)d."))

    @admin.action(description=_("Withdraw the selected reviews from the public site"))
    def unpublish(self, request, queryset):
        self._run(request, queryset, review_unpublish, _("Reviews withdrawn: %(count)d."))

    def _run(self, request, queryset, service, done_message):
        count = 0
        for review in queryset:
            try:
                service(review=review)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                count += 1
        if count:
            messages.success(request, done_message % {"count": count})


@admin.register(ReviewPdf)
class ReviewPdfAdmin(admin.ModelAdmin):
    list_display = [
        "review",
        "language",
        "status",
        "page_count",
        "size",
        "seconds",
        "requested_at",
        "rendered_at",
    ]
    list_filter = ["status", "language"]
    list_select_related = ["review"]
    readonly_fields = [f.name for f in ReviewPdf._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
