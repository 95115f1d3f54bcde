"""Unit tests for pixelaudit.imagesize.decode_image."""

from __future__ import annotations

import struct
import time
import zlib
from io import BytesIO

import pytest
from PIL import Image, features

from pixelaudit.imagesize import decode_image
from pixelaudit.model import ImageInfo

TRANSPARENT_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def encode(im: Image.Image, fmt: str, **params: object) -> bytes:
    out = BytesIO()
    im.save(out, fmt, **params)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_classic_transparent_gif() -> None:
    assert len(TRANSPARENT_GIF) == 43
    assert decode_image(TRANSPARENT_GIF, "image/gif") == ImageInfo("gif", 1, 1, True)


def test_opaque_black_gif() -> None:
    body = encode(Image.new("P", (1, 1), 0), "GIF")
    assert decode_image(body) == ImageInfo("gif", 1, 1, False)


def test_gif_whose_single_pixel_is_the_transparency_index() -> None:
    im = Image.new("P", (1, 1), 3)
    im.putpalette([0, 0, 0, 255, 255, 255, 10, 20, 30, 40, 50, 60])
    assert decode_image(encode(im, "GIF", transparency=3)) == ImageInfo("gif", 1, 1, True)


def test_png_alpha_zero_is_transparent() -> None:
    body = encode(Image.new("RGBA", (1, 1), (255, 0, 0, 0)), "PNG")
    assert decode_image(body, "image/png") == ImageInfo("png", 1, 1, True)


def test_png_opaque() -> None:
    body = encode(Image.new("RGBA", (1, 1), (255, 255, 255, 255)), "PNG")
    assert decode_image(body) == ImageInfo("png", 1, 1, False)
    assert decode_image(encode(Image.new("RGB", (1, 1)), "PNG")) == ImageInfo("png", 1, 1, False)


def test_png_partly_transparent_is_not_transparent() -> None:
    im = Image.new("RGBA", (2, 1), (0, 0, 0, 0))
    im.putpixel((1, 0), (0, 0, 0, 1))
    assert decode_image(encode(im, "PNG")) == ImageInfo("png", 2, 1, False)


def test_png_logo() -> None:
    body = encode(Image.new("RGBA", (120, 40), (0, 0, 0, 0)), "PNG")
    # 4800 pixels is over the decode limit: sized from the header, pixels never checked.
    assert decode_image(body) == ImageInfo("png", 120, 40, False)


def test_jpeg() -> None:
    body = encode(Image.new("RGB", (2, 2), (200, 10, 10)), "JPEG")
    assert decode_image(body, "image/jpeg") == ImageInfo("jpeg", 2, 2, False)


def test_webp() -> None:
    if not features.check("webp"):
        pytest.skip("Pillow built without WebP")
    body = encode(Image.new("RGBA", (1, 1), (0, 0, 0, 0)), "WEBP", lossless=True)
    assert decode_image(body, "image/webp") == ImageInfo("webp", 1, 1, True)


def test_ico_reports_largest_size() -> None:
    body = encode(Image.new("RGBA", (32, 32), (0, 0, 255, 255)), "ICO", sizes=[(16, 16), (32, 32)])
    info = decode_image(body, "image/x-icon")
    assert info is not None
    assert (info.format, info.width, info.height) == ("ico", 32, 32)


def test_bmp() -> None:
    body = encode(Image.new("RGB", (1, 1)), "BMP")
    assert decode_image(body) == ImageInfo("bmp", 1, 1, False)


def test_content_type_is_only_a_hint() -> None:
    body = encode(Image.new("RGBA", (1, 1), (0, 0, 0, 0)), "PNG")
    assert decode_image(body, "text/html") == ImageInfo("png", 1, 1, True)
    assert decode_image(body, "image/gif") == ImageInfo("png", 1, 1, True)
    assert decode_image(body, "image/svg+xml") == ImageInfo("png", 1, 1, True)
    assert decode_image(TRANSPARENT_GIF, "text/plain") == ImageInfo("gif", 1, 1, True)


@pytest.mark.parametrize(
    ("svg", "size"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>', (1, 1)),
        (b'<svg xmlns="http://www.w3.org/2000/svg" width="1px" height="1px"></svg>', (1, 1)),
        (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><rect/></svg>', (120, 40)),
        (b'<svg width="100%" height="100%" viewBox="0,0,120,40"></svg>', (120, 40)),
        (b"<svg width='1in' height='72pt'></svg>", (96, 96)),
        (b'<svg width="2.54cm" height="25.4mm"></svg>', (96, 96)),
        (b'<svg width="60" viewBox="0 0 120 40"></svg>', (60, 20)),
        (b'<svg\n  height="0"\n  width="0"\n></svg>', (0, 0)),
        (
            b'\xef\xbb\xbf  <?xml version="1.0" encoding="UTF-8"?>\n<!-- tracker -->\n'
            b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
            b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>',
            (1, 1),
        ),
    ],
)
def test_svg_sizes(svg: bytes, size: tuple[int, int]) -> None:
    assert decode_image(svg, "image/svg+xml") == ImageInfo("svg", *size, False)
    assert decode_image(svg, "text/plain") == ImageInfo("svg", *size, False)


@pytest.mark.parametrize(
    "svg",
    [
        b"<svg></svg>",
        b'<svg width="100%" height="100%"></svg>',
        b'<svg width="2em" height="2em"></svg>',
        b'<svg viewBox="0 0 nope 4"></svg>',
        b'<svg viewBox="0 0 -1 4"></svg>',
        b'<svg width="1e999" height="1"></svg>',
        b'<svg data-width="1" data-height="1"></svg>',
        b'<html><body><svg width="1" height="1"></svg></body></html>',
        b'<?xml version="1.0"?><feed><svg width="1" height="1"/></feed>',
        b'<svg width="1" height="1"',  # root tag never closes
    ],
)
def test_svg_without_usable_size(svg: bytes) -> None:
    assert decode_image(svg, "image/svg+xml") is None


def test_svg_entities_are_not_expanded() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        b'<svg width="&b;" height="3" viewBox="0 0 5 3"></svg>'
    )
    assert decode_image(bomb, "image/svg+xml") == ImageInfo("svg", 5, 3, False)


def test_svg_tokenizer_stays_fast_on_hostile_prolog() -> None:
    start = time.perf_counter()
    for body in (b" " * 10_000 + b"x", b"<!DOCTYPE" + b" " * 10_000, b"<svg" + b' a="' * 3000):
        assert decode_image(body, "image/svg+xml") is None
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    "body",
    [
        b"",
        None,
        b"not an image",
        b"\x89PNG\r\n\x1a\n\x00\x00",  # first 10 bytes of a PNG
        b"GIF89a\x01",
        b"\xff\xd8\xff",
        b"RIFF\x00\x00\x00\x00WEBPVP8 ",
        b"<html><body>404</body></html>",
        bytes(range(256)) * 4,  # fixed "random" bytes
        b"\x00\x00\x01\x00\x01\x00\x10\x10",  # ICO header with a cut-off directory
    ],
)
def test_garbage_is_none(body: bytes | None) -> None:
    assert decode_image(body, "image/gif") is None
    assert decode_image(body) is None


def test_truncated_pixel_data_still_sized() -> None:
    body = encode(Image.new("RGBA", (1, 1), (0, 0, 0, 0)), "PNG")
    cut = body[: body.index(b"IDAT") + 6]
    info = decode_image(cut)
    assert info is not None
    assert (info.format, info.width, info.height) == ("png", 1, 1)


def test_huge_declared_png_is_sized_without_decoding() -> None:
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 6, 0, 0, 0)
    body = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    assert decode_image(body, "image/png") == ImageInfo("png", 100_000, 100_000, False)


def test_huge_declared_gif_is_sized_without_decoding() -> None:
    body = b"GIF89a" + struct.pack("<HH", 60_000, 60_000) + TRANSPARENT_GIF[10:]
    assert decode_image(body) == ImageInfo("gif", 60_000, 60_000, False)
