"""Shrinking uploaded raster images with Pillow, as Frappe's ``upload_file`` does for ``optimize=1``.

An image is only ever re-encoded in the format its bytes already have (PNG,
JPEG, GIF or WebP), so the type fixed at upload from content and extension
(``frappe_api.filetypes``) stays what it was. Anything Pillow cannot read, or an
image with more pixels than ``PIL.Image.MAX_IMAGE_PIXELS``, is kept as sent.
"""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

DEFAULT_MAX_WIDTH = 1024
DEFAULT_MAX_HEIGHT = 768
SMALLEST_SIDE = 200  # never shrink below this (Frappe's floor)
SHRINK_FACTOR = 0.8  # a large image is always made at least this much smaller on each side (Frappe's factor)
QUALITY = 85
FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}


class ImageNotOptimized(Exception):
    """The bytes could not be read or written as an image; the upload keeps its original bytes."""


def optimize_image(content: bytes, content_type: str, max_width: int = DEFAULT_MAX_WIDTH,
                   max_height: int = DEFAULT_MAX_HEIGHT) -> bytes:
    """``content`` (an image of ``content_type``) shrunk to fit ``max_width`` x ``max_height`` and recompressed
    in its own format; unchanged when already small enough or not a raster type we re-encode."""
    image_format = FORMATS.get(content_type)
    if image_format is None:
        return content
    try:
        with Image.open(io.BytesIO(content), formats=[image_format]) as image:
            width, height = image.size
            if width * height > (Image.MAX_IMAGE_PIXELS or width * height):
                raise ImageNotOptimized(f"the image has more than {Image.MAX_IMAGE_PIXELS} pixels")
            box_width = max(min(max_width, width * SHRINK_FACTOR), SMALLEST_SIDE)
            box_height = max(min(max_height, height * SHRINK_FACTOR), SMALLEST_SIDE)
            if width * height < box_width * box_height:
                return content
            image.thumbnail((int(box_width), int(box_height)), Image.Resampling.NEAREST)
            output = io.BytesIO()
            options = {"compress_level": 1} if image_format == "PNG" else {"quality": QUALITY}
            if image_format == "GIF":
                options["save_all"] = True
            exif = image.getexif()
            if exif and image_format in ("JPEG", "PNG", "WEBP"):
                options["exif"] = exif
            image.save(output, format=image_format, **options)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ImageNotOptimized(str(error)) from error
    return output.getvalue()
