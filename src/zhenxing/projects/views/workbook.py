"""Pages of the library workbook (P14): the export with the list's filters, and the import of an existing
library workbook — upload, the staged preview with every row's problem, confirm."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.requests import request_user
from zhenxing.common.errors import Conflict, InvalidInput, PermissionDenied
from zhenxing.common.http import refuse_oversized, xlsx_response
from zhenxing.common.paging import paginate
from zhenxing.common.xlsx import single_sheet
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.projects import imports, workbook
from zhenxing.projects.models import LibraryImportStatus
from zhenxing.projects.selectors import project_list_for_user


class UploadForm(forms.Form):
    file = forms.FileField(label="项目库表格（.xlsx）")

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        refuse_oversized(upload, settings.ZHENXING_IMPORT_MAX_BYTES, advice="请分批导入")
        return upload


class ExportForm(forms.Form):
    """The library list's filters (views/library.py), so that its 导出 link exports what it shows."""

    county = forms.CharField(required=False, max_length=12)
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    status = forms.CharField(required=False, max_length=24)
    group = forms.CharField(required=False, max_length=30)
    level = forms.CharField(required=False, max_length=16)
    q = forms.CharField(required=False, max_length=50)

    def clean_status(self) -> str:
        status: str = self.cleaned_data["status"]
        # the list's 在库 ("library"), under one name in the audit
        return workbook.IN_LIBRARY if status == "library" else status


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The library list's rows (its filters: county, year, status or 在库), one row per project version."""
    user = request_user(request)
    if not has_capability(user, Capability.VIEW_PROJECTS):
        raise PermissionDenied("您的角色不能查看项目库")
    form = ExportForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    projects = workbook.filtered_projects(
        project_list_for_user(user=user), county=filters.get("county") or "", year=filters.get("year"),
        status=filters.get("status") or "", group=filters.get("group") or "", level=filters.get("level") or "",
        q=filters.get("q") or "",
    )  # fmt: skip
    # the title names the county chosen (the prefecture exporting one county), else the user's own division
    chosen = Division.objects.filter(code=filters.get("county") or "-", level=DivisionLevel.COUNTY).first()
    scope = chosen.name if chosen else user.jurisdiction.name if user.jurisdiction else ""
    content = workbook.library_export(
        actor=user, projects=projects, filters=filters, title=workbook.today_title(scope)
    )
    return xlsx_response(content, f"{scope}项目库.xlsx")


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not imports.may_import(user):
        raise PermissionDenied("项目库表格由县(市)或县(市)行业部门导入")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = imports.library_import_stage(actor=user, file_name=upload.name, data=upload.read())
        except InvalidInput as error:
            form.add_error("file", error.message)
        else:
            return redirect("projects:import_batch", pk=batch.pk)
    paged = paginate(request, imports.library_import_list_for_user(user=user).order_by("-created_at", "-pk"))
    return render(
        request,
        "projects/workbook/import_list.html",
        {"form": form, "batches": paged.items, "paged": paged, "max_rows": imports.MAX_ROWS},
    )


@login_required
def import_batch(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    batch = imports.library_import_get_for_user(user=user, pk=pk)
    paged = paginate(request, batch.errors or [], 100)
    return render(
        request,
        "projects/workbook/import_batch.html",
        {
            "batch": batch,
            "errors": paged.items,
            "paged": paged,
            "may_confirm": batch.status == LibraryImportStatus.VALIDATED and batch.created_by_id == user.pk,
        },
    )


@login_required
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    batch = imports.library_import_get_for_user(user=request_user(request), pk=pk)
    rows = [(e["row"], e["column"], e["message"]) for e in batch.errors]
    rows += [(w["row"], w["column"], f"提示：{w['message']}") for w in batch.warnings]
    return xlsx_response(
        single_sheet("错误清单", ["行号", "列名", "说明"], rows), f"项目库导入错误-{batch.pk}.xlsx"
    )


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    batch = imports.library_import_get_for_user(user=user, pk=pk)
    try:
        done = imports.library_import_confirm(actor=user, batch=batch)
    except (
        Conflict
    ) as error:  # a row no longer passes, or the batch was confirmed already: say so on its page
        messages.error(request, error.message)
    else:
        messages.success(request, f"已导入 {done.summary.get('added', 0)} 个项目")
    return redirect("projects:import_batch", pk=batch.pk)
