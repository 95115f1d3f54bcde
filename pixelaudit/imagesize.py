"""Decode an image response body to its format, size and transparency without ever raising.

Tracker servers send anything: wrong content types, empty bodies, HTML error pages, truncated or
hostile images. Raster formats are sniffed and sized by Pillow (header only; pixels are decoded
only for tiny images, to tell fully transparent pixels apart). SVG is sized from its root tag by a
small bounded regex tokenizer -- no XML parser, so no entity expansion.
"""

from __future__ import annotations

import math
import re
import warnings
from io import BytesIO

from PIL import Image

from pixelaudit.model import ImageInfo

_OPEN_FORMATS = ("PNG", "GIF", "JPEG", "WEBP", "ICO", "BMP")  # never let Pillow guess (e.g. TGA)
_FORMAT_NAMES = {fmt: fmt.lower() for fmt in _OPEN_FORMATS} | {"MPO": "jpeg"}  # MPO: multi-picture JPEG
MAX_DECODED_PIXELS = 4096  # decode pixels for the transparency check only up to this many
SVG_SCAN_BYTES = 8192

# XML prolog items before the root element; possessive/lazy forms keep matching linear.
_PROLOG = re.compile(r"\s++|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[[^\]]*+\])*+>", re.S | re.I)
_SVG_ROOT = re.compile(r"<svg(?=[\s/>])((?:[^>\"']|\"[^\"]*+\"|'[^']*+')*+)/?>")
_ATTR = re.compile(r"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_LENGTH = re.compile(r"\s*\+?(\d*\.?\d+(?:[eE][+-]?\d+)?)\s*(px|pt|pc|in|cm|mm)?\s*", re.I)
_PX_PER_UNIT = {"px": 1.0, "pt": 96 / 72, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}


def decode_image(body: bytes | None, content_type: str | None = None) -> ImageInfo | None:
    """Return what ``body`` decodes to, or None when it is empty, not an image or unsizable.

    ``content_type`` is only a hint (it picks which sniffer runs first); the bytes decide.
    """
    if not body:
        return None
    try:
        if content_type and "svg" in content_type.lower():
            return _decode_svg(body) or _decode_raster(body)
        return _decode_raster(body) or _decode_svg(body)
    except Exception:  # a decoder bug on hostile input must not take the scan down
        return None


def _decode_raster(body: bytes) -> ImageInfo | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            im = Image.open(BytesIO(body), formats=_OPEN_FORMATS)
        except Image.DecompressionBombError:
            # The header claims a huge canvas: report its size, never decode it.
            im = _open_header_only(body)
        except Exception:
            return None
    if im is None or im.format not in _FORMAT_NAMES:
        return None
    width, height = im.size
    if im.format == "ICO" and im.info.get("sizes"):
        width, height = max(im.info["sizes"], key=lambda size: size[0] * size[1])
    if width <= 0 or height <= 0:
        return None
    return ImageInfo(_FORMAT_NAMES[im.format], width, height, _fully_transparent(im))


def _open_header_only(body: bytes) -> Image.Image | None:
    """Parse just the header with the matching Pillow plugin, skipping the bomb check on open."""
    Image.init()
    for fmt in _OPEN_FORMATS:
        factory, accept = Image.OPEN[fmt]
        verdict = accept(body[:16]) if accept else True
        if verdict and not isinstance(verdict, str):  # a str verdict is Pillow's "looks like, but no"
            try:
                return factory(BytesIO(body), "")
            except Exception:
                return None
    return None


def _fully_transparent(im: Image.Image) -> bool:
    """True when the image is small enough to decode and every pixel has alpha 0."""
    if im.width * im.height > MAX_DECODED_PIXELS:
        return False
    try:
        if not im.has_transparency_data:
            return False
        return im.convert("RGBA").getchannel("A").getextrema()[1] == 0
    except Exception:  # truncated or corrupt pixel data: the size is still worth reporting
        return False


def _decode_svg(body: bytes) -> ImageInfo | None:
    head = body[:SVG_SCAN_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="replace")
    else:
        text = head.decode("utf-8", errors="replace")
    text = text.lstrip("\ufeff")
    pos = 0
    while (m := _PROLOG.match(text, pos)) and m.end() > pos:
        pos = m.end()
    root = _SVG_ROOT.match(text, pos)
    if root is None:
        return None
    attrs = {m[1]: m[2] if m[2] is not None else m[3] for m in _ATTR.finditer(root[1])}
    width, height = _length(attrs.get("width")), _length(attrs.get("height"))
    box = _view_box(attrs.get("viewBox"))
    if box is not None:
        if width is None and height is None:
            width, height = box
        elif width is None and height is not None and box[1] > 0:
            width = height * box[0] / box[1]  # keep the viewBox's aspect ratio, as browsers do
        elif height is None and width is not None and box[0] > 0:
            height = width * box[1] / box[0]
    if width is None or height is None or not (math.isfinite(width) and math.isfinite(height)):
        return None
    return ImageInfo("svg", round(width), round(height), False)


def _length(value: str | None) -> float | None:
    """An absolute SVG length in px; None for missing, percentages, em/ex and garbage."""
    if value is None or not (m := _LENGTH.fullmatch(value)):
        return None
    return float(m[1]) * _PX_PER_UNIT[(m[2] or "px").lower()]


def _view_box(value: str | None) -> tuple[float, float] | None:
    if value is None:
        return None
    try:
        numbers = [float(part) for part in re.split(r"[\s,]+", value.strip())]
    except ValueError:
        return None
    if len(numbers) != 4 or not all(math.isfinite(n) and n >= 0 for n in numbers[2:]):
        return None
    return numbers[2], numbers[3]
