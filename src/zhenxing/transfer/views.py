from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.requests import request_user
from zhenxing.common.errors import InvalidInput, PermissionDenied
from zhenxing.common.http import refuse_oversized, xlsx_response
from zhenxing.common.paging import paginate
from zhenxing.transfer import selectors, services, workbooks
from zhenxing.transfer.models import ImportStatus


class UploadForm(forms.Form):
    file = forms.FileField(label="台账文件（.xlsx）")

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        refuse_oversized(upload, settings.ZHENXING_IMPORT_MAX_BYTES, advice="请分批导入")
        return upload


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not has_capability(user, Capability.IMPORT_REGISTRY):
        raise PermissionDenied("您的角色不能导入台账")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.import_stage(actor=user, file_name=upload.name, data=upload.read())
        except InvalidInput as error:
            form.add_error("file", error.message)
        else:
            return redirect("transfer:batch", pk=batch.pk)
    paged = paginate(request, selectors.import_batch_list_for_user(user=user).order_by("-created_at", "-pk"))
    return render(request, "transfer/list.html", {"form": form, "batches": paged.items, "paged": paged})


@login_required
def template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(workbooks.template_workbook(), "台账导入模板.xlsx")


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.import_batch_get_for_user(user=request_user(request), pk=pk)
    paged = paginate(request, batch.errors or [], 100)
    return render(
        request,
        "transfer/batch.html",
        {
            "batch": batch,
            "errors": paged.items,
            "paged": paged,
            "progress": services.progress_of(batch.pk),
            "running": batch.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
        },
    )


@login_required
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.import_batch_get_for_user(user=request_user(request), pk=pk)
    return render(
        request,
        "transfer/_progress.html",
        {
            "batch": batch,
            "progress": services.progress_of(batch.pk),
            "running": batch.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
        },
    )


@login_required
def batch_errors(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.import_batch_get_for_user(user=request_user(request), pk=pk)
    return xlsx_response(workbooks.errors_workbook(batch), f"错误清单-{batch.pk}.xlsx")


@login_required
@require_POST
def batch_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    batch = selectors.import_batch_get_for_user(user=user, pk=pk)
    services.import_confirm(actor=user, batch=batch)
    return redirect("transfer:batch", pk=batch.pk)
