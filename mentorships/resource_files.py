"""Files in the resource hub: which uploads are accepted, and the type each is served with.

Uploaded files are tenant data: they are served by the org-scoped resources:download view to
members who may see the resource, always as an attachment with the type decided here from the
extension (never the uploader's claim), and never from a media URL. The extension must agree
with the file's first bytes, so a page of HTML renamed report.pdf is refused at upload.
"""

import os

MAX_BYTES = 10 * 1024 * 1024
MAX_LABEL = "10 MB"
HEAD_BYTES = 8

_PDF = (b"%PDF-",)
_ZIP = (b"PK\x03\x04",)  # Office Open XML and OpenDocument files are ZIP archives
_PNG = (b"\x89PNG\r\n\x1a\n",)
_JPEG = (b"\xff\xd8\xff",)
_TEXT = None  # plain text: checked by decoding, not by a signature

# extension -> (content type, accepted first bytes)
FILE_TYPES = {
    "pdf": ("application/pdf", _PDF),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    "odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    "odp": ("application/vnd.oasis.opendocument.presentation", _ZIP),
    "png": ("image/png", _PNG),
    "jpg": ("image/jpeg", _JPEG),
    "jpeg": ("image/jpeg", _JPEG),
    "txt": ("text/plain; charset=utf-8", _TEXT),
    "md": ("text/markdown; charset=utf-8", _TEXT),
    "csv": ("text/csv; charset=utf-8", _TEXT),
}
ACCEPT = ",".join(f".{extension}" for extension in FILE_TYPES)
ALLOWED_LABEL = "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, text, Markdown or CSV"


def extension_of(name: str) -> str:
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def content_type_for(name: str) -> str | None:
    """The type a stored file is served with, from its extension; None for anything not accepted."""
    known = FILE_TYPES.get(extension_of(name))
    return known[0] if known else None


def upload_problem(upload) -> str | None:
    """Why an uploaded file is refused (too big, a type not accepted, content that is not what its
    name says), or None when it is fine. Reads the file and rewinds it."""
    known = FILE_TYPES.get(extension_of(upload.name))
    if known is None:
        return f"Upload a {ALLOWED_LABEL} file."
    if upload.size > MAX_BYTES:
        return f"The file is larger than {MAX_LABEL}."
    if upload.size == 0:
        return "The file is empty."
    signatures = known[1]
    upload.seek(0)
    content = upload.read() if signatures is _TEXT else upload.read(HEAD_BYTES)
    upload.seek(0)
    if signatures is _TEXT:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return "A text file must be UTF-8 text."
        if "\x00" in text:
            return "A text file must be UTF-8 text."
        return None
    if not content.startswith(signatures):
        return f"The file’s content is not a .{extension_of(upload.name)} file."
    return None
