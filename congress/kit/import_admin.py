"""The admin's import pages for every register: upload, preview with every refusal named, confirm
(the import then runs as a background task, congress.kit.import_jobs) and its progress page.
"""

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import (
    PermissionDenied,
)
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportModelAdmin

from congress.kit.import_jobs import UploadStore, progress, run_import
from congress.kit.importing import SHEET_FORMATS, ImportFileError, import_prepared, prepare
from congress.kit.sheetfile import SheetFileError, limits, read_sheets, too_big
from congress.models import ImportJob


class UploadForm(forms.Form):
    import_file = forms.FileField(label=gettext_lazy("File (xlsx or CSV)"))


class ConfirmForm(forms.Form):
    upload = forms.CharField(widget=forms.HiddenInput)
    original_file_name = forms.CharField(widget=forms.HiddenInput, max_length=255)


class SheetAdmin(ImportExportModelAdmin):
    """Admin with xlsx/CSV import and export through a `SheetResource`.

    Import is two steps. The upload is read safely (congress.kit.sheetfile), mapped to the
    resource's columns (`prepare`) and dry-run: the page shows every refusal with its row, or a
    summary of what would change. Confirming enqueues the import as a background task
    (congress.kit.import_jobs) and shows its progress page.
    """

    import_formats = SHEET_FORMATS
    export_formats = SHEET_FORMATS
    import_template_name = "admin/sheet_import.html"
    import_job_template_name = "admin/sheet_import_job.html"
    MAX_ERRORS_SHOWN = 200

    def get_urls(self):
        app_label, model_name = self.get_model_info()
        return [
            path(
                "import/job/<int:job_id>/",
                self.admin_site.admin_view(self.import_job_view),
                name=f"{app_label}_{model_name}_import_job",
            ),
            *super().get_urls(),
        ]

    def _admin_url(self, name, *args):
        app_label, model_name = self.get_model_info()
        return reverse(
            f"admin:{app_label}_{model_name}_{name}", args=args, current_app=self.admin_site.name
        )

    def _import_resource(self, request):
        return self.get_import_resource_classes(request)[0](
            **self.get_import_resource_kwargs(request)
        )

    def _page(self, request, **context):
        context.update(self.admin_site.each_context(request))
        context.setdefault("title", _("Import"))
        context["opts"] = self.model._meta
        resource = self._import_resource(request)
        context["headers"] = [column.column_name for column in resource.get_import_fields()]
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def import_action(self, request, **kwargs):

        if not self.has_import_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if not (request.method == "POST" and form.is_valid()):
            return self._page(request, form=form)
        upload = form.cleaned_data["import_file"]
        resource = self._import_resource(request)
        try:
            if upload.size > limits()["bytes"]:  # refused before reading it into memory
                raise SheetFileError(too_big(upload.size))
            data = b"".join(upload.chunks())
            prepared = prepare(resource, read_sheets(data, upload.name))
        except (SheetFileError, ImportFileError) as error:
            form.add_error("import_file", str(error))
            return self._page(request, form=form)
        result = import_prepared(
            resource, prepared, dry_run=True, user=request.user, file=upload.name
        )
        context = {"form": form, "result": result, "prepared": prepared, "file_name": upload.name}
        if result.has_errors() or result.has_validation_errors():
            context["invalid_rows"] = result.invalid_rows[: self.MAX_ERRORS_SHOWN]
            context["more_errors"] = max(0, len(result.invalid_rows) - self.MAX_ERRORS_SHOWN)
            return self._page(request, **context)
        key = UploadStore().save(data)
        context["confirm_form"] = ConfirmForm(
            initial={"upload": key, "original_file_name": upload.name}
        )
        context["summary"] = resource.summary(result)
        context["normalised"] = resource.normalised
        context["normalised_count"] = resource.normalised_count
        return self._page(request, **context)

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):

        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ConfirmForm(request.POST)
        import_url = self._admin_url("import")
        if not form.is_valid() or UploadStore().read(form.cleaned_data["upload"]) is None:
            messages.error(request, _("The uploaded file has expired. Upload it again."))
            return redirect(import_url)
        resource = self.get_import_resource_classes(request)[0]
        job = ImportJob.objects.create(
            user=request.user,
            content_type=ContentType.objects.get_for_model(self.model),
            resource=f"{resource.__module__}.{resource.__qualname__}",
            file_name=form.cleaned_data["original_file_name"],
            upload_key=form.cleaned_data["upload"],
        )
        run_import.enqueue(job.pk)
        return redirect(self._admin_url("import_job", job.pk))

    def import_job_view(self, request, job_id):

        if not self.has_import_permission(request):
            raise PermissionDenied
        job = get_object_or_404(
            ImportJob,
            pk=job_id,
            content_type=ContentType.objects.get_for_model(self.model),
        )
        if job.user_id != request.user.pk and not request.user.is_superuser:
            raise PermissionDenied
        extra = (job.counts or {}).get("extra")
        lines = []
        if job.status == ImportJob.Status.DONE and extra:
            # The job's resource is a path the server wrote; its lines are built in the
            # reader's language from what the import kept.
            lines = import_string(job.resource).result_lines(extra)
        context = self.admin_site.each_context(request)
        context.update(
            result_lines=lines,
            title=_("Import"),
            opts=self.model._meta,
            job=job,
            done_rows=progress(job.pk),
            running=job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING),
            changelist_url=self._admin_url("changelist"),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_job_template_name], context)
