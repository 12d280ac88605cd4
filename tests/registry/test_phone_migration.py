"""The data migration (registry 0003-0005): plain-text phones of a database from before issue 13 are sealed,
a malformed one keeps the P1 flag, the plain columns are dropped, and no number is left in the SQLite file."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from .dump_scenario import leaks

BEFORE = "0002_phones_encrypted_and_id_conflicts"

PLANT = """
import json
from django.db import connection
from django.db.migrations.loader import MigrationLoader
apps = MigrationLoader(connection).project_state(("registry", "{before}")).apps
Household, Person, Membership = (apps.get_model("registry", name) for name in ("Household", "Person", "Membership"))
household = Household.objects.create(code="MIG-1", village_id="532926101202", kind="脱贫户", contact_phone="0872-6012345")
people = {{}}
for name, phone in (("杨建国", "13912345678"), ("李秀英", " 12345 "), ("杨小明", "")):
    person = Person.objects.create(name=name, sex="男", birth_date="1980-01-01", labour="普通劳动力", phone=phone)
    Membership.objects.create(household=household, person=person, relation="户主" if not people else "配偶", joined_on="2014-01-01")
    people[name] = person.pk
print(json.dumps({{"household": household.pk, "people": people}}))
"""

READ = """
import json
from zhenxing.common.crypto import decrypt_phone
from zhenxing.registry.models import Household, Person
out = {"people": {}, "columns": [f.name for f in Person._meta.get_fields()]}
for p in Person.objects.order_by("pk"):
    out["people"][p.name] = [decrypt_phone(bytes(p.phone_encrypted)) if p.phone_encrypted else None, p.phone_masked, p.phone_malformed]
h = Household.objects.get(code="MIG-1")
out["household"] = [decrypt_phone(bytes(h.contact_phone_encrypted)), h.contact_phone_masked]
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print(json.dumps(out, ensure_ascii=False))
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="runs on a SQLite file of its own")
def test_plain_phones_are_sealed_flagged_and_gone_from_the_file(
    tmp_path: Path, fresh_site: tuple[list[str], dict[str, str]]
) -> None:
    zhenxing, env = fresh_site

    def run(*args: str) -> str:
        return subprocess.run([*zhenxing, *args], env=env, check=True, capture_output=True, text=True).stdout

    # given: the database as it was before the phones were encrypted, holding plain numbers
    run("migrate", "registry", BEFORE, "-v0")
    run("shell", "--no-imports", "-c", PLANT.format(before=BEFORE))
    # when
    run("migrate", "-v0")
    # then: each number sealed as it was stored, the malformed one flagged, the empty one left empty
    found = json.loads(run("shell", "--no-imports", "-c", READ).strip().splitlines()[-1])
    assert found["people"] == {
        "杨建国": ["13912345678", "139****5678", False],
        "李秀英": ["12345", "*****", True],
        "杨小明": [None, "", False],
    }
    assert found["household"] == ["0872-6012345", "087*****2345"]
    assert "phone" not in found["columns"]
    # and no plain number is left anywhere in the file (SQLite keeps dropped pages until VACUUM: 0005)
    blob = b"".join(path.read_bytes() for path in tmp_path.rglob("site.sqlite3*") if path.is_file())
    assert leaks(blob, ["13912345678", "0872-6012345", "08726012345"]) == []
