from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhenxing.accounts.requests import request_user
from zhenxing.common.errors import Conflict, InvalidInput, PermissionDenied
from zhenxing.common.http import MB, refuse_oversized, xlsx_response
from zhenxing.common.paging import paginate
from zhenxing.divisions.models import Division
from zhenxing.feeds import selectors
from zhenxing.feeds.adapters import ADAPTERS, SNAPSHOT_FIELDS
from zhenxing.feeds.models import FeedBatch
from zhenxing.feeds.parsing import FeedFileError, rows_from_upload
from zhenxing.feeds.services import MAX_ROWS, feed_batch_ingest


class UploadForm(forms.Form):
    file = forms.FileField(label="数据文件（CSV 或 .xlsx，首行为字段名）")

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        refuse_oversized(upload, settings.ZHENXING_FEED_MAX_BYTES, advice="请分批上传")
        return upload


def _county_labels(batches: list[FeedBatch]) -> dict[str, str]:
    """A roster's county as 南涧彝族自治县（532926）: the name a reader knows beside the code the file carried."""
    codes = {b.county_code for b in batches if b.county_code}
    names = dict(Division.objects.filter(code__in=codes).values_list("code", "name"))
    return {code: f"{names[code]}（{code}）" if code in names else code for code in codes}


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if user.role != "department":
        raise PermissionDenied("只有行业部门用户可以上传部门数据")
    adapter = ADAPTERS[user.department]
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = rows_from_upload(upload.name, upload.read(), max_rows=MAX_ROWS)
            result = feed_batch_ingest(
                department=user.department, rows=rows, source="upload", actor=user, file_name=upload.name
            )
        except FeedFileError as error:
            form.add_error("file", str(error))
        except InvalidInput as error:
            form.add_error("file", "；".join(detail.message for detail in error.details))
        except Conflict as error:  # a roster not newer than the county's current one (P17)
            form.add_error("file", error.message)
        else:
            if (
                not result.created
            ):  # the same records again: nothing new is stored, and the sender is told where they are
                messages.info(
                    request,
                    f"该文件与第 {result.batch.pk} 批的记录完全相同，未重复入库；以下是第 {result.batch.pk} 批",
                )
            return redirect("feeds:batch", pk=result.batch.pk)
    paged = paginate(request, selectors.batch_list_for_user(user=user).order_by("-received_at", "-pk"))
    counties = _county_labels(list(paged.items))
    limits = {"rows": MAX_ROWS, "megabytes": settings.ZHENXING_FEED_MAX_BYTES // MB}
    return render(
        request,
        "feeds/list.html",
        {
            "form": form,
            "adapter": adapter,
            "batches": [(b, counties.get(b.county_code, "")) for b in paged.items],
            "paged": paged,
            "limits": limits,
            "rosters": any(f.name in SNAPSHOT_FIELDS for f in adapter.fields),
        },
    )


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get_for_user(user=request_user(request), pk=pk)
    paged = paginate(request, batch.quarantine.order_by("row_number", "pk"), 100)
    return render(
        request,
        "feeds/batch.html",
        {
            "batch": batch,
            "county": _county_labels([batch]).get(batch.county_code, ""),
            "quarantine": paged.items,
            "paged": paged,
            "outcomes": selectors.lead_outcomes(batch=batch),
        },
    )


@login_required
def quarantine_report(request: HttpRequest, pk: int) -> HttpResponse:
    from zhenxing.common.xlsx import single_sheet

    batch = selectors.batch_get_for_user(user=request_user(request), pk=pk)
    rows = [(row.row_number, row.field, row.reason) for row in batch.quarantine.order_by("row_number")]
    content = single_sheet("隔离记录", ["行号", "字段", "原因"], rows)
    return xlsx_response(content, f"隔离记录-{batch.pk}.xlsx")
