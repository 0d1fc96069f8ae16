"""The content type a stored file is served with, decided once at upload from its extension and its bytes.

Only inert types are ever served inline: raster images, PDF and UTF-8 plain
text, each when the bytes really are what the extension claims. Everything
else (SVG, HTML, XML, RDF, MathML, scripts, office documents...) is served
as ``application/octet-stream``, as an attachment. The answer is stored on the
``File`` row, so renaming the file later never changes what is served.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable

OCTET_STREAM = "application/octet-stream"
PLAIN_TEXT = "text/plain; charset=utf-8"
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", PLAIN_TEXT})

_SIGNATURES: dict[str, tuple[str, Callable[[bytes], bool]]] = {
    ".png": ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ".jpg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".jpeg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".gif": ("image/gif", lambda head: head[:6] in (b"GIF87a", b"GIF89a")),
    ".webp": ("image/webp", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
    ".pdf": ("application/pdf", lambda head: head.startswith(b"%PDF-")),
}
_TEXT_EXTENSIONS = frozenset({".txt"})


def _is_utf8_text(chunks: Iterable[bytes]) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in chunks:
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def served_type(extension: str, chunks: Iterable[bytes]) -> str:
    """The type to serve a file with: an inline type when ``extension`` (lower case, with its dot) is on the
    allowlist and the bytes (``chunks``) match it, else ``application/octet-stream``."""
    if extension in _TEXT_EXTENSIONS:
        return PLAIN_TEXT if _is_utf8_text(chunks) else OCTET_STREAM
    if extension in _SIGNATURES:
        content_type, matches = _SIGNATURES[extension]
        head = next(iter(chunks), b"")
        return content_type if matches(head[:16]) else OCTET_STREAM
    return OCTET_STREAM


def served_inline(content_type: str) -> bool:
    """Whether a file of ``content_type`` (as stored by ``served_type``) may be shown in the browser."""
    return content_type in INLINE_TYPES
