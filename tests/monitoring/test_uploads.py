"""Issue 13 A: an upload is what its bytes say (JPEG, PNG, WebP or PDF), not what its name or content type
claim; a stored file is served as the type decided then, images inline and everything else as a download,
never sniffed, inside a sandbox. An SVG with a script (it ran in a county user's session) is refused."""

from __future__ import annotations

import io
import struct
import uuid
import zlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.errors import InvalidInput
from zhenxing.divisions.models import Division
from zhenxing.monitoring.identification import services
from zhenxing.monitoring.models import Attachment, Visit
from zhenxing.portal import services as portal

from ..conftest import VILLAGE
from .helpers import START, people, poor_household

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/households/")</script></svg>'


def image_bytes(fmt: str, size: tuple[int, int] = (8, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture (a decompression bomb's shape)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def _case():  # type: ignore[no-untyped-def]
    user = people()
    case = services.case_open_for_household(actor=user["village"], household=poor_household(), summary="困难")
    return user, case


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("poc.svg", SVG, "image/svg+xml"),  # the reported attack
        ("poc.png", SVG, "image/png"),  # the same bytes under an image name and type
        ("page.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),
        ("x.gif", b"GIF89a" + b"\0" * 40, "image/gif"),  # a real format the pages do not need
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, "image/png"),  # right magic, does not decode
        ("bomb.png", png_claiming(100_000, 100_000), "image/png"),
        ("x.exe", b"MZ" + b"\0" * 30, "application/octet-stream"),
    ],
)
def test_a_file_that_is_not_a_jpeg_png_webp_or_pdf_by_its_bytes_is_refused(
    clock_at, name: str, content: bytes, content_type: str
) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user, case = _case()
    with pytest.raises(InvalidInput) as error:
        services.attachments_add(
            actor=user["village"],
            case=case,
            files=[SimpleUploadedFile(name, content, content_type=content_type)],
        )
    assert error.value.details[0].code in {"bad_type", "bad_image"}
    assert "只接受JPEG、PNG、WebP、PDF" in error.value.message or "无法作为" in error.value.message
    assert (
        not Attachment.objects.exists() and not AuditEvent.objects.filter(action="attachment.create").exists()
    )


def test_the_type_is_decided_by_the_bytes_stored_and_served_with_nosniff_and_a_sandbox(
    client: Client, clock_at
) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user, case = _case()
    png = SimpleUploadedFile("门前.svg", image_bytes("PNG"), content_type="text/html")  # a real PNG, lying
    pdf = SimpleUploadedFile("授权书.pdf", b"%PDF-1.4\n%%EOF\n", content_type="image/svg+xml")
    webp = SimpleUploadedFile("屋内", image_bytes("WEBP"), content_type="")
    jpeg = SimpleUploadedFile("院子.jpeg", image_bytes("JPEG", (640, 480)), content_type="image/jpeg")
    stored = services.attachments_add(actor=user["village"], case=case, files=[png, pdf, webp, jpeg])
    assert [a.content_type for a in stored] == ["image/png", "application/pdf", "image/webp", "image/jpeg"]
    assert [a.name for a in stored] == ["门前.png", "授权书.pdf", "屋内.webp", "院子.jpg"]
    assert stored[0].file.name.endswith(".png") and "门前" not in stored[0].file.name  # a fresh stored name
    event = AuditEvent.objects.filter(action="attachment.create").order_by("pk").first()
    assert event is not None and event.new_values["content_type"] == "image/png"
    client.force_login(user["village"])
    image = client.get(f"/cases/attachments/{stored[0].pk}/")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image["Content-Disposition"].startswith("inline")
    assert image["X-Content-Type-Options"] == "nosniff"
    assert (
        image["Content-Security-Policy"].startswith("sandbox")
        and "default-src 'none'" in image["Content-Security-Policy"]
    )
    document = client.get(f"/cases/attachments/{stored[1].pk}/")
    assert document["Content-Type"] == "application/pdf" and document["Content-Disposition"].startswith(
        "attachment"
    )
    assert document["Content-Security-Policy"].startswith("sandbox")


def test_a_row_stored_before_the_check_with_another_type_is_served_as_an_opaque_download(
    client: Client, clock_at
) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user, case = _case()
    legacy = Attachment.objects.create(
        file=ContentFile(SVG, name="poc.svg"), kind="photo", name="poc.svg", content_type="image/svg+xml",
        size=len(SVG), case=case,
    )  # fmt: skip
    client.force_login(user["county"])
    response = client.get(f"/cases/attachments/{legacy.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/octet-stream"
    assert (
        response["Content-Disposition"].startswith("attachment")
        and ".svg.bin" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Security-Policy"].startswith(
        "sandbox"
    )


def test_a_refused_photo_on_the_visit_page_leaves_neither_visit_nor_file(client: Client, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user, case = _case()
    case = services.case_move(actor=user["village"], case=case, to="analysis")
    case = services.case_move(actor=user["village"], case=case, to="investigation", findings="已比对")
    client.force_login(user["village"])
    response = client.post(
        f"/cases/{case.pk}/visits/",
        {
            "client_uuid": str(uuid.uuid4()), "visited_at": clock.localtime(clock.now()).strftime("%Y-%m-%dT%H:%M"),
            "place": "家中", "findings": "核实属实，已签授权书", "authorization_signed": "on",
            "photos": SimpleUploadedFile("poc.svg", SVG, content_type="image/svg+xml"),
        },
        follow=True,
    )  # fmt: skip
    assert "不是可接受的格式" in response.content.decode()
    assert not Visit.objects.exists() and not Attachment.objects.exists()


def test_the_portal_photo_is_checked_by_its_bytes_too(clock_at) -> None:  # type: ignore[no-untyped-def]
    from zhenxing.common.crypto import decrypt_id_number

    clock_at(START)
    household = poor_household()
    number = decrypt_id_number(household.memberships.get(relation="户主").person.id_number_encrypted)
    values: dict[str, object] = {
        "village": Division.objects.get(code=VILLAGE), "name": "杨建国", "id_number": number, "phone": "13800001234",
        "difficulties": ["医疗"], "description": "老伴住院，花了很多钱", "on_behalf": False, "ip_address": "10.0.0.1",
    }  # fmt: skip
    with pytest.raises(InvalidInput, match="不是可接受的格式"):
        portal.application_submit(**values, photo=SimpleUploadedFile("a.jpg", SVG, content_type="image/jpeg"))  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="只接受JPEG、PNG、WebP"):  # a photo, not a PDF
        portal.application_submit(
            **values, photo=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n", content_type="image/png")
        )  # type: ignore[arg-type]
    application = portal.application_submit(
        **values,
        photo=SimpleUploadedFile("家.html", image_bytes("JPEG"), content_type="text/html"),  # type: ignore[arg-type]
    )
    assert application.photo.name.endswith(".jpg") and "家" not in application.photo.name
