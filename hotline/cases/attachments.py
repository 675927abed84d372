"""Attachments: scanned faxes and photos, checked by what they contain."""

import uuid

from django.conf import settings
from django.core.files import File
from django.utils.translation import gettext as _

from .errors import InvalidInput
from .models import Attachment

# The first bytes of each accepted kind of file, and its content type.
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),  # fax machines scan to TIFF
    (b"MM\x00*", "image/tiff"),
]


# The extension a file is stored with: that of the type its content shows,
# never the one the sender's name claims.
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/tiff": ".tif",
    "image/webp": ".webp",
}


def stored_name(content_type: str | None) -> str:
    """A name of our own for an upload: random, with the detected type's
    extension (or none we serve as anything: .bin). The sender's name is
    kept in the row, for display only."""
    return f"{uuid.uuid4().hex}{EXTENSIONS.get(content_type or '', '.bin')}"


def sniff(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def attach(case, uploads, *, assignment=None, reply=None) -> list[Attachment]:
    """Check every upload first, then store them: all or none. A unit's
    photos for its reply name its `assignment`, and the `reply` once
    submitted."""
    checked = []
    for upload in uploads:
        if upload.size > settings.HOTLINE_MAX_ATTACHMENT_BYTES:
            raise InvalidInput(
                _("%(name)s is larger than %(mb)s MB.")
                % {"name": upload.name, "mb": settings.HOTLINE_MAX_ATTACHMENT_BYTES // 2**20},
                field="attachment",
            )
        upload.seek(0)
        content_type = sniff(upload.read(16))
        upload.seek(0)
        if content_type is None:
            raise InvalidInput(
                _("%(name)s is not a PDF or an image.") % {"name": upload.name},
                field="attachment",
            )
        checked.append((upload, content_type))
    return [
        Attachment.objects.create(
            case=case,
            assignment=assignment,
            reply=reply,
            file=File(upload, name=stored_name(content_type)),
            name=(upload.name or "")[:200],
            content_type=content_type,
            size=upload.size,
        )
        for upload, content_type in checked
    ]
