"""The Dali division tree (P2): counts, flags, short names, idempotent loading."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from zhenxing.audit.models import AuditEvent
from zhenxing.divisions.loading import DivisionFileError, read_rows
from zhenxing.divisions.models import Division
from zhenxing.divisions.naming import short_name
from zhenxing.divisions.services import divisions_load

pytestmark = pytest.mark.django_db


def test_p2_division_counts_after_migrate() -> None:
    # given: a database that has only been migrated
    # then: the NBS 2023 edition of Dali is there
    counts = {
        level: Division.objects.filter(level=level).count()
        for level in ("prefecture", "county", "township", "village")
    }
    assert counts == {"prefecture": 1, "county": 12, "township": 112, "village": 1159}


def test_p2_tuopin_and_key_counties() -> None:
    tuopin = set(Division.objects.filter(is_tuopin_county=True).values_list("code", flat=True))
    key = set(Division.objects.filter(is_key_county=True).values_list("code", flat=True))
    assert len(tuopin) == 11
    assert "532901" not in tuopin  # 大理市
    assert len(key) == 7
    assert {d.short_name for d in Division.objects.filter(is_key_county=True)} == {
        "弥渡县", "南涧彝族自治县", "巍山彝族回族自治县", "永平县", "云龙县", "洱源县", "剑川县",
    }  # fmt: skip
    assert key < tuopin


def test_every_code_is_a_prefix_of_its_descendants() -> None:
    for division in Division.objects.exclude(level="prefecture").select_related("parent"):
        assert division.parent is not None
        assert division.code.startswith(division.parent.code)
    assert Division.objects.filter(code__startswith="532926").count() == 1 + 8 + 81


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张迁村委会", "张迁村"),
        ("南涧社区居民委员会", "南涧社区"),
        ("平坝村民委员会", "平坝村"),
        ("西山村村民委员会", "西山村"),
        ("褚家营社区村民委员会", "褚家营社区"),
        ("南街社区居委会", "南街社区"),
        ("城南居民委员会", "城南社区"),
        ("下关街道", "下关街道"),
        ("太和社区", "太和社区"),
    ],
)
def test_short_name_strips_committee_suffix(name: str, expected: str) -> None:
    assert short_name(name) == expected


def test_load_is_idempotent_and_audited_only_when_it_changes_something() -> None:
    # given: the migrated tree, with one name damaged
    Division.objects.filter(code="532926101202").update(name="错误名称", short_name="错误")
    # when: loading twice
    first = divisions_load(actor=None)
    second = divisions_load(actor=None)
    # then: the first repairs one row, the second changes nothing
    assert (first.created, first.updated, first.unchanged) == (0, 1, 1283)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 1284)
    assert Division.objects.get(code="532926101202").short_name == "西山村"
    events = AuditEvent.objects.filter(action="divisions.load")
    assert events.count() == 1
    assert events.get().new_values["updated"] == 1


def test_cli_divisions_load_reports_counts(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("divisions", "load")
    assert "未变 1284" in capsys.readouterr().out


def test_bad_file_is_refused_in_chinese_and_nothing_changes(tmp_path: Path) -> None:
    # given: a file whose village points at a township that does not exist
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "code,name,level,parent_code\n5329,大理白族自治州,prefecture,\n532926,南涧彝族自治县,county,5329\n"
        "532926999001,某村委会,village,532926999\n",
        encoding="utf-8",
    )
    before = Division.objects.count()
    # when / then
    with pytest.raises(DivisionFileError, match="第4行"):
        divisions_load(actor=None, path=bad)
    assert Division.objects.count() == before


def test_wrong_header_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DivisionFileError, match="表头"):
        read_rows(bad)


SHARED_CSV = Path(settings.ZHENXING_DATA_DIR).parent.parent / "shared" / "data" / "dali_divisions.csv"


# Project CI has ../shared beside the checkout and runs this; a user's machine has none and skips it.
@pytest.mark.skipif(not SHARED_CSV.exists(), reason="../shared is not beside this checkout")
def test_project_csv_agrees_with_shared_reference() -> None:
    # The project's own derivation (data/derive_dali_divisions.py) must equal the reference extraction.
    ours = (Path(settings.ZHENXING_DATA_DIR) / "dali_divisions.csv").read_bytes()
    assert ours == SHARED_CSV.read_bytes()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("西山村委会", "西山村委会"),
        ("平坝村民委员会", "平坝村民委员会"),
        ("南街社区居委会", "南街社区居委会"),
        ("平坝村", "平坝村民委员会"),
        ("太和社区", "太和社区居民委员会"),
    ],
)
def test_a_village_committee_is_named_once(name: str, expected: str) -> None:
    from zhenxing.divisions.naming import committee_name

    assert committee_name(name) == expected
