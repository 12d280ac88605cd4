"""The fund ledger's workbooks (P14): the ledger of one allocation document, a county's payment list and
支出进度 by source for a budget year (a prefecture user also for every county at once), and the import of an
existing fund ledger workbook (upload → every row checked → stored whole, or every problem listed)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from zhenxing.accounts.capabilities import Capability
from zhenxing.accounts.requests import require_capability
from zhenxing.common.errors import InvalidInput, PermissionDenied, not_found
from zhenxing.common.http import refuse_oversized, xlsx_response
from zhenxing.divisions.models import Division
from zhenxing.funds import imports, workbook
from zhenxing.funds import selectors as ledger

ALL_COUNTIES = "all"  # the progress workbook of every county under the user (the prefecture's view)
VIEW_MESSAGE = "您的角色不能查看衔接资金"
IMPORT_MESSAGE = "资金台账由财政部门导入"


class UploadForm(forms.Form):
    file = forms.FileField(label="资金台账表格（.xlsx）")

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        refuse_oversized(upload, settings.ZHENXING_IMPORT_MAX_BYTES, advice="请分批导入")
        return upload


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise not_found()
    return year


@login_required
@require_GET
def allocation_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_FUNDS, VIEW_MESSAGE)
    allocation = ledger.allocation_get_for_user(user=user, pk=pk)
    lines = ledger.line_list_for_user(user=user).filter(allocation=allocation)
    content = workbook.allocation_export(actor=user, allocation=allocation, lines=lines)
    return xlsx_response(content, f"资金台账-{allocation.doc_number}.xlsx")


@login_required
@require_GET
def payments_xlsx(request: HttpRequest, county: str, year: int) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_FUNDS, VIEW_MESSAGE)
    chosen = ledger.county_get_for_user(user=user, code=county)
    payments = ledger.payment_list_for_user(user=user).filter(
        county=chosen, split__line__allocation__budget_year=_year(year)
    )
    content = workbook.payments_export(actor=user, county=chosen, year=year, payments=payments)
    return xlsx_response(content, f"{chosen.name}{year}年度衔接资金支付清单.xlsx")


@login_required
@require_GET
def progress_xlsx(request: HttpRequest, county: str, year: int) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_FUNDS, VIEW_MESSAGE)
    _year(year)
    if county == ALL_COUNTIES:
        counties = list(ledger.counties_for_user(user))
        scope: Division | None = user.jurisdiction
        if scope is None or not counties:
            raise not_found()
    else:
        scope = ledger.county_get_for_user(user=user, code=county)
        counties = [scope]
    content = workbook.progress_export(actor=user, counties=counties, scope=scope, year=year)
    return xlsx_response(content, f"{scope.name}{year}年度衔接资金支出进度.xlsx")


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    require_capability(request, Capability.ENTER_FUNDS, IMPORT_MESSAGE)
    return xlsx_response(workbook.template_workbook(), "衔接资金台账导入模板.xlsx")


@login_required
def import_ledger(request: HttpRequest) -> HttpResponse:
    user = require_capability(request, Capability.ENTER_FUNDS, IMPORT_MESSAGE)
    if not imports.may_import(user):
        raise PermissionDenied(IMPORT_MESSAGE)
    form = UploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = imports.ledger_import(actor=user, file_name=upload.name or "", data=upload.read())
        except InvalidInput as error:
            form.add_error("file", error.message)
    return render(
        request,
        "funds/workbook/import.html",
        {"form": form, "result": result, "max_rows": imports.MAX_ROWS,
         "added": sorted(result.added.items()) if result else []},
    )  # fmt: skip
