"""The import status page in a browser while the job's worker dies (issue 13): the page that polls 导入中 turns
by itself to the failure and its reason, with a button to confirm again, which queues the import anew."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from zhenxing.accounts.enums import Role

from ..conftest import VILLAGE
from ..factories import TEST_PASSWORD, make_user
from ..sites import claim_as_dead_worker
from ..transfer.workbook_builder import member_rows, workbook, year_rows

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_status_page_turns_to_the_failure_and_confirming_again_queues_it(
    live_server: object, page: Page
) -> None:
    from django_tasks_db.models import DBTaskResult

    from zhenxing.common.jobs import jobs_sweep
    from zhenxing.transfer import services
    from zhenxing.transfer.models import ImportBatch, ImportStatus

    # given an import whose job is running in a worker
    user = make_user(Role.TOWNSHIP, "532926101", username="daoru")
    members = member_rows(VILLAGE, 3)
    batch = services.import_stage(
        actor=user, file_name="台账.xlsx", data=workbook(members, year_rows(members))
    )
    services.import_confirm(actor=user, batch=batch)
    claim_as_dead_worker(DBTaskResult.objects.get().pk)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING)
    base = str(live_server)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill("daoru")
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{base}/imports/{batch.pk}/")
    status = page.get_by_test_id("import-status")
    expect(status).to_contain_text("导入中")
    # when the worker turns out to have died and the sweep fails the job
    jobs_sweep()
    # then the page, polling, shows the reason and a button to confirm again
    expect(page.get_by_test_id("import-failure")).to_have_text(
        "后台任务进程意外退出，导入未完成，台账未改动；可重新确认导入"
    )
    expect(status).not_to_contain_text("导入中")
    # when the uploader confirms again
    page.get_by_test_id("reconfirm").click()
    # then the import is queued anew
    expect(page.get_by_test_id("import-status")).to_have_attribute("data-status", "queued")
    services.import_commit(batch_id=batch.pk)
    expect(page.get_by_test_id("import-summary")).to_contain_text("新增 3")
