"""Image decoding and encoding behind one small interface.

`PilCodec` is the real one (Pillow, imported lazily). `PngCodec` is stdlib only: it reads PNG headers and writes
real PNG files of solid colour, enough for the fake pipeline, so the HTTP layer is testable on CI machines that
have no Pillow.
"""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any, Tuple

OUTPUT_FORMATS = ("png", "jpeg", "webp")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class ImageError(ValueError):
    """An input image that cannot be used; the message says why, for the person who sent it."""


def normalize_output_format(value: str) -> str:
    fmt = value.strip().lower()
    if fmt == "jpg":
        fmt = "jpeg"
    if fmt not in OUTPUT_FORMATS:
        raise ValueError(fmt)
    return fmt


def sniff_format(data: bytes) -> str:
    """A short name for error messages ('png', 'jpeg', 'webp', 'gif', 'bmp' or 'unknown')."""
    if data.startswith(_PNG_SIGNATURE):
        return "png"
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:2] == b"BM":
        return "bmp"
    return "unknown"


def png_size(data: bytes) -> Tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk, with its CRC checked."""
    if not data.startswith(_PNG_SIGNATURE):
        raise ImageError("not a PNG file (found %s data)" % sniff_format(data))
    if len(data) < 33:
        raise ImageError("truncated PNG: %d bytes" % len(data))
    length, ctype = struct.unpack(">I4s", data[8:16])
    if ctype != b"IHDR" or length != 13:
        raise ImageError("PNG does not start with an IHDR chunk")
    body = data[16:29]
    (crc,) = struct.unpack(">I", data[29:33])
    if zlib.crc32(b"IHDR" + body) & 0xFFFFFFFF != crc:
        raise ImageError("PNG header checksum mismatch (corrupt or truncated upload)")
    width, height = struct.unpack(">II", body[:8])
    if width == 0 or height == 0:
        raise ImageError("PNG has zero width or height")
    return width, height


def _png_chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body) & 0xFFFFFFFF)


def encode_png_rgb(width: int, height: int, rgb: Tuple[int, int, int]) -> bytes:
    """A valid 8-bit RGB PNG of one colour (stdlib only)."""
    row = b"\x00" + bytes(rgb) * width  # filter type 0 per scanline
    raw = row * height
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return _PNG_SIGNATURE + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", zlib.compress(raw, 6)) + _png_chunk(b"IEND", b"")


class SolidImage:
    """What the fake pipeline returns and PngCodec decodes to: a size, a mode and one colour."""

    def __init__(self, width: int, height: int, rgb: Tuple[int, int, int] = (128, 128, 128), mode: str = "RGB") -> None:
        self.size = (int(width), int(height))
        self.rgb = rgb
        self.mode = mode

    @property
    def width(self) -> int:
        return self.size[0]

    @property
    def height(self) -> int:
        return self.size[1]

    def convert(self, mode: str) -> "SolidImage":
        return SolidImage(self.size[0], self.size[1], self.rgb, mode)


def _check_pixels(width: int, height: int, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise ImageError(
            "image is %dx%d = %d pixels, over the server's limit of %d (--max-input-pixels); send a smaller image"
            % (width, height, width * height, max_pixels)
        )


class PngCodec:
    """Stdlib codec for the fake pipeline: decodes PNG headers only, encodes PNG only."""

    name = "stdlib-png"

    def decode(self, data: bytes, max_pixels: int) -> Any:
        width, height = png_size(data)
        _check_pixels(width, height, max_pixels)
        return SolidImage(width, height, mode="RGB")

    def encode(self, image: Any, fmt: str, quality: int) -> bytes:
        if fmt != "png":
            raise ImageError("output_format %r needs Pillow; this server (fake mode without Pillow) writes png only" % fmt)
        return encode_png_rgb(image.size[0], image.size[1], getattr(image, "rgb", (128, 128, 128)))

    def new_image(self, width: int, height: int) -> Any:
        return SolidImage(width, height)


class PilCodec:
    """Pillow codec: inputs become RGB (vLLM-Omni's `do_convert_rgb=True`), outputs PNG/JPEG/WebP."""

    name = "pillow"

    def __init__(self) -> None:
        from PIL import Image  # lazy: CI has no Pillow

        self._Image = Image
        # We check the pixel count ourselves before decoding, with a message that names the server flag.
        Image.MAX_IMAGE_PIXELS = None

    def decode(self, data: bytes, max_pixels: int) -> Any:
        Image = self._Image
        try:
            image = Image.open(io.BytesIO(data))  # lazy: reads the header only
        except Exception as exc:  # Pillow raises UnidentifiedImageError, OSError, SyntaxError...
            raise ImageError("cannot read %s data as an image: %s" % (sniff_format(data), exc)) from None
        _check_pixels(image.size[0], image.size[1], max_pixels)
        try:
            # Pillow decodes lazily: convert() forces the full decode, so truncated files fail here, not later.
            return image.convert("RGB")
        except Exception as exc:
            raise ImageError("cannot decode %s image: %s" % (sniff_format(data), exc)) from None

    def encode(self, image: Any, fmt: str, quality: int) -> bytes:
        if isinstance(image, SolidImage):  # the fake pipeline's output, when Pillow is present (--fake)
            image = self._Image.new("RGB", image.size, tuple(image.rgb))
        buffer = io.BytesIO()
        if fmt == "png":
            image.save(buffer, format="PNG")
        elif fmt == "jpeg":
            image.save(buffer, format="JPEG", quality=max(1, min(quality, 100)))
        else:
            image.save(buffer, format="WEBP", quality=max(1, min(quality, 100)))
        return buffer.getvalue()

    def new_image(self, width: int, height: int) -> Any:
        return self._Image.new("RGB", (width, height), (127, 127, 127))


def default_codec(prefer_stdlib: bool = False) -> Any:
    """Pillow when importable (always on the GPU image), else the stdlib PNG codec."""
    if not prefer_stdlib:
        try:
            return PilCodec()
        except ImportError:
            pass
    return PngCodec()
