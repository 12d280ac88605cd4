"""What an uploaded file is, decided from its bytes — never from its name or the content type the browser
sent, which an attacker chooses (an SVG or HTML file sent as image/* ran script in a county user's session).

Every upload path that keeps a file to serve it back asks `upload_accept`: it reads the magic number, lets
Pillow decode an image end to end, and answers the one type the file will be stored and served as, with a
fresh stored name carrying that type's extension. `served_type` is how a stored row is served later: a
type outside the accepted four (rows from before this check) goes out as an opaque download.
"""

from __future__ import annotations

import uuid
import warnings
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.http import FileResponse

from zhenxing.common.errors import ErrorDetail, InvalidInput

JPEG, PNG, WEBP, PDF = "image/jpeg", "image/png", "image/webp", "application/pdf"
OPAQUE = "application/octet-stream"
IMAGE_TYPES: frozenset[str] = frozenset({JPEG, PNG, WEBP})
DOCUMENT_TYPES: frozenset[str] = frozenset({*IMAGE_TYPES, PDF})
EXTENSIONS = {JPEG: "jpg", PNG: "png", WEBP: "webp", PDF: "pdf"}
LABELS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WebP", PDF: "PDF"}
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
# A photo from a phone is 12-50 megapixels; beyond this a small file may expand into gigabytes (a bomb).
MAX_PIXELS = 80_000_000
# The download of a stored file: never a page of this site — no script, no plugin, no same-origin access.
DOWNLOAD_POLICY = "sandbox; default-src 'none'"


@dataclass(frozen=True)
class AcceptedUpload:
    content_type: str  # one of DOCUMENT_TYPES, decided from the bytes
    stored_name: str  # random, with the decided extension; the uploader's name is kept only for display
    display_name: str
    size: int


def _magic_type(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def _image_decodes(stream: IO[bytes], content_type: str) -> bool:
    """Pillow opens it as the format its magic number claims and decodes every pixel without error."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            stream.seek(0)
            with Image.open(stream, formats=[PILLOW_FORMATS[content_type]]) as image:
                if image.width * image.height > MAX_PIXELS:
                    return False
                image.verify()
            stream.seek(0)
            with Image.open(stream, formats=[PILLOW_FORMATS[content_type]]) as image:
                if (
                    content_type == JPEG
                ):  # decode at 1/8 scale: every block is still read, in 1/64 of the memory
                    image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
                image.load()
    except (
        Exception
    ):  # Pillow raises many kinds (OSError, SyntaxError, ValueError, bomb errors) for a bad file
        return False
    finally:
        stream.seek(0)
    return True


def display_name(name: str) -> str:
    """The uploader's file name, kept for display: no directories, no control characters, at most 200."""
    base = PurePath(str(name).replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return cleaned[:200] or "附件"


def upload_accept(
    upload: Any, *, field: str, allowed: frozenset[str] = DOCUMENT_TYPES, max_bytes: int
) -> AcceptedUpload:
    """The type of `upload` (a Django UploadedFile) from its bytes, or InvalidInput in Chinese."""
    name = display_name(getattr(upload, "name", "") or "")
    size = int(getattr(upload, "size", 0) or 0)
    formats = "、".join(LABELS[kind] for kind in sorted(allowed, key=list(LABELS).index))
    if size > max_bytes:
        limit = f"{max_bytes // (1024 * 1024)}MB"
        raise InvalidInput([ErrorDetail((field,), "too_large", f"文件“{name}”超过{limit}")])
    if size == 0:
        raise InvalidInput([ErrorDetail((field,), "empty", f"文件“{name}”是空的")])
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = _magic_type(head)
    if content_type is None or content_type not in allowed:
        raise InvalidInput(
            [ErrorDetail((field,), "bad_type", f"文件“{name}”不是可接受的格式（只接受{formats}）")]
        )
    if content_type in IMAGE_TYPES and not _image_decodes(upload, content_type):
        raise InvalidInput(
            [
                ErrorDetail(
                    (field,), "bad_image", f"文件“{name}”无法作为{LABELS[content_type]}图片打开，可能已损坏"
                )
            ]
        )
    extension = EXTENSIONS[content_type]
    shown = f"{PurePath(name).stem or '附件'}.{extension}"[:200]
    return AcceptedUpload(content_type, f"{uuid.uuid4().hex}.{extension}", shown, size)


def served_type(stored_type: str) -> tuple[str, bool]:
    """How a stored file goes out: (content type, inline?). Only the accepted image types are shown inline;
    a PDF is downloaded; anything else (rows stored before the check) is an opaque download."""
    if stored_type in IMAGE_TYPES:
        return stored_type, True
    if stored_type == PDF:
        return PDF, False
    return OPAQUE, False


def stored_file_response(stream: IO[bytes], *, stored_type: str, name: str) -> FileResponse:
    """A stored upload, served as the type decided when it was accepted (never as it was sent): images
    inline, everything else as a download; no sniffing, and a sandbox so that even a file that slipped
    through can run nothing in the site's origin."""
    content_type, inline = served_type(stored_type)
    filename = display_name(name)
    if content_type == OPAQUE:
        filename = f"{filename}.bin"
    response = FileResponse(stream, as_attachment=not inline, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_POLICY
    return response
