"""Pages of the asset register's workbook (P15): the register export with the list's filters, the blank import
template, and the import of a register a county already keeps — upload, the staged preview with every row's
problem, confirm."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from zhenxing.accounts.capabilities import Capability
from zhenxing.accounts.requests import require_capability
from zhenxing.assets import imports, workbook
from zhenxing.assets.enums import AssetCategory, AssetStatus, ImportStatus
from zhenxing.assets.selectors import asset_list_for_user
from zhenxing.common.errors import Conflict, InvalidInput, PermissionDenied
from zhenxing.common.http import refuse_oversized, xlsx_response
from zhenxing.common.paging import paginate

VIEW_MESSAGE = "您的角色不能查看资产台账"
IMPORT_MESSAGE = "资产台账由县乡村振兴局或县行业主管部门导入"


class UploadForm(forms.Form):
    file = forms.FileField(label="资产台账表格（.xlsx）")

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        refuse_oversized(upload, settings.ZHENXING_IMPORT_MAX_BYTES, advice="请分批导入")
        return upload


class ExportForm(forms.Form):
    """The register list's filters, so that its 导出 link exports what it shows."""

    category = forms.ChoiceField(required=False, choices=[("", ""), *AssetCategory.choices])
    status = forms.ChoiceField(required=False, choices=[("", ""), *AssetStatus.choices])


@login_required
@require_GET
def register_xlsx(request: HttpRequest) -> HttpResponse:
    """The register of the user's scope (its filters: category, status), one row per asset."""
    user = require_capability(request, Capability.VIEW_ASSETS, VIEW_MESSAGE)
    form = ExportForm(request.GET)
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    assets = workbook.filtered_assets(asset_list_for_user(user=user), **filters)
    scope = user.jurisdiction.name if user.jurisdiction else ""
    content = workbook.register_export(
        actor=user, assets=assets, filters=filters, title=workbook.register_title(scope)
    )
    return xlsx_response(content, f"{scope}资产台账.xlsx")


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    user = require_capability(request, Capability.MANAGE_ASSETS, IMPORT_MESSAGE)
    return xlsx_response(workbook.import_template(sector_id=user.sector_id), "资产台账导入模板.xlsx")


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    user = require_capability(request, Capability.MANAGE_ASSETS, IMPORT_MESSAGE)
    if not imports.may_import(user):
        raise PermissionDenied(IMPORT_MESSAGE)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = imports.asset_import_stage(
                    actor=user, file_name=upload.name or "", data=upload.read()
                )
            except InvalidInput as error:
                form.add_error("file", error.message)
            else:
                return redirect("assets:import_detail", pk=batch.pk)
        status = 422
    paged = paginate(request, imports.asset_import_list_for_user(user=user).order_by("-created_at", "-pk"))
    return render(
        request,
        "assets/workbook/import_list.html",
        {"form": form, "batches": paged.items, "paged": paged, "max_rows": imports.MAX_ROWS},
        status=status,
    )


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_capability(request, Capability.MANAGE_ASSETS, IMPORT_MESSAGE)
    batch = imports.asset_import_get_for_user(user=user, pk=pk)
    paged = paginate(request, batch.errors or [], 100)
    return render(
        request,
        "assets/workbook/import_detail.html",
        {
            "batch": batch,
            "errors": paged.items,
            "paged": paged,
            "may_confirm": batch.status == ImportStatus.STAGED and batch.created_by_id == user.pk,
        },
    )


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_capability(request, Capability.MANAGE_ASSETS, IMPORT_MESSAGE)
    batch = imports.asset_import_get_for_user(user=user, pk=pk)
    try:
        done = imports.asset_import_confirm(actor=user, batch=batch)
    except (
        Conflict
    ) as error:  # a row no longer passes, or the batch was confirmed already: say so on its page
        messages.error(request, error.message)
    else:
        messages.success(request, f"已导入 {done.summary.get('added', 0)} 项资产")
    return redirect("assets:import_detail", pk=batch.pk)
