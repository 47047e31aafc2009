"""Organization logos: which images are accepted and served, and the version that busts caches.

Logos are served by the org:logo view (members only, every deployment), never from MEDIA_URL:
production serves no media URL, and a logo is the organization's, not the public's.
"""

import hashlib

# (first bytes, content type, file extension). SVG is left out on purpose: an uploaded SVG can
# carry script, and it would be served from our origin.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
)
HEAD_BYTES = 12


def logo_image_type(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a PNG, JPEG, GIF or WebP from its first HEAD_BYTES; else None."""
    for signature, content_type, extension in _SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def logo_version(organization) -> str:
    """Changes whenever the logo does (every upload gets a new file name), so its URL can be cached for long."""
    return hashlib.sha256(organization.logo.name.encode()).hexdigest()[:12]
