"""Zip archives (.xlsx) checked from their central directory before any entry is inflated.

A 1 MB workbook can claim to hold 1 GB of XML; reading it whole takes the server down. The sizes the
directory declares are checked first, and every later read is bounded by them, so a directory that lies
cannot make a reader inflate more than the limits allow.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator

from django.conf import settings

MB = 1024 * 1024
MAX_ENTRIES = 10_000
READ_CHUNK = MB


class ArchiveError(ValueError):
    """The archive is refused; the message says why, in Chinese."""


def open_checked_zip(
    data: bytes, *, max_uncompressed: int | None = None, max_ratio: int | None = None
) -> zipfile.ZipFile:
    """The archive, once its declared sizes are within the limits (OWASP: total size, ratio, entry count)."""
    limit = (
        max_uncompressed if max_uncompressed is not None else settings.ZHENXING_XLSX_MAX_UNCOMPRESSED_BYTES
    )
    ratio = max_ratio if max_ratio is not None else settings.ZHENXING_XLSX_MAX_RATIO
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise ArchiveError("文件已损坏，无法作为 .xlsx 打开") from error
    if len(entries) > MAX_ENTRIES:
        raise ArchiveError(f"文件中的条目过多（{len(entries)} 个），不是正常的 .xlsx 工作簿")
    total = sum(entry.file_size for entry in entries)
    if total > limit:
        raise ArchiveError(
            f"文件解压后有 {total / MB:.0f} MB，超过上限 {limit / MB:.0f} MB：请分批导入，或检查文件是否异常"
        )
    for entry in entries:
        if entry.file_size > ratio * max(entry.compress_size, 1) and entry.file_size > MB:
            raise ArchiveError(
                f"文件中的“{entry.filename[:60]}”压缩比异常（{entry.file_size // max(entry.compress_size, 1)} 倍），"
                "疑似压缩炸弹，已拒绝"
            )
    # Inflate every entry once, in chunks, through zipfile (which stops at the declared size and checks the
    # CRC), so that a reader in another library (calamine) never meets a stream that inflates past it.
    for entry in entries:
        for _chunk in iter_entry(archive, entry.filename):
            pass
    return archive


def iter_entry(archive: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    """An entry's bytes in chunks, never more than its declared size (a lying directory is refused)."""
    declared = archive.getinfo(name).file_size
    read = 0
    try:
        with archive.open(name) as handle:
            while chunk := handle.read(READ_CHUNK):
                read += len(chunk)
                if read > declared:
                    raise ArchiveError("文件已损坏：条目的实际大小与声明不符")
                yield chunk
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, OSError, ValueError) as error:
        if isinstance(error, ArchiveError):
            raise
        raise ArchiveError("文件已损坏，无法作为 .xlsx 打开") from error
