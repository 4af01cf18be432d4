"""Illustrations: each SVG in `content/` is rendered to the PNG beside it, and both are checked.

The SVG is the source a designer edits; the PNG is what the platforms are sent. Rendering is
done by CairoSVG (`python -m bot content render`), which stamps the PNG with the SHA-256 of the
SVG it came from, so `content check` can tell a PNG that is older than its source.
"""

from __future__ import annotations

import hashlib
import io
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from PIL import Image as PillowImage
from PIL import PngImagePlugin, UnidentifiedImageError

from bot.content.schema import Illustration
from bot.core.events import Image

SOURCE_KEY = "herocoach-source-sha256"
# Telegram's sendPhoto limits (10 MB; width + height at most 10,000; ratio at most 20). Discord's
# smallest attachment limit is 10 MiB, so a picture Telegram takes fits there too.
MAX_BYTES = 10_000_000
MAX_SIDES = 10_000
MAX_RATIO = 20.0
RENDER_HINT = "run `python -m bot content render` to make it from the SVG"


class RenderError(RuntimeError):
    """The SVG renderer is not available or could not render a file."""


def png_path(svg: Path) -> Path:
    """Return the PNG that goes with an SVG (same folder, same name)."""
    return svg.with_suffix(".png")


def digest(data: bytes) -> str:
    """Return the hex SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def render_png(svg: Path) -> bytes:
    """Render an SVG to PNG bytes stamped with the SVG's digest."""
    try:
        import cairosvg
    except (ImportError, OSError) as exc:
        raise RenderError(
            f"cannot load CairoSVG ({exc}); install the Cairo library (Debian: apt-get install "
            "libcairo2) and `pip install cairosvg`"
        ) from None
    source = svg.read_bytes()
    try:
        raw = cairosvg.svg2png(bytestring=source, unsafe=False)
    except Exception as exc:  # CairoSVG raises many kinds for a broken file
        raise RenderError(f"{svg.name}: cannot render: {exc}") from exc
    info = PngImagePlugin.PngInfo()
    info.add_text(SOURCE_KEY, digest(source))
    out = io.BytesIO()
    with PillowImage.open(io.BytesIO(raw)) as image:
        image.save(out, "PNG", pnginfo=info, optimize=True)
    return out.getvalue()


def render_all(root: Path, illustrations: list[Illustration]) -> list[Path]:
    """Write the PNG of every illustration whose PNG is missing or older than its SVG."""
    written = []
    for illustration in illustrations:
        svg = root / illustration.file
        png = png_path(svg)
        if _stamp(png) == digest(svg.read_bytes()):
            continue
        png.write_bytes(render_png(svg))
        written.append(png)
    return written


def _stamp(png: Path) -> str | None:
    try:
        with PillowImage.open(png) as image:
            return image.info.get(SOURCE_KEY)
    except (OSError, UnidentifiedImageError):
        return None


def _svg_problem(svg: Path) -> str | None:
    try:
        tree = ElementTree.parse(svg)  # noqa: S314 - our own content files, not untrusted input
    except ElementTree.ParseError as exc:
        return f"not valid SVG: {exc}"
    if not tree.getroot().tag.endswith("svg"):
        return "not an SVG file (its root element is not <svg>)"
    return None


def check_illustration(illustration: Illustration, root: Path, where: str) -> list[str]:
    """Return the problems with one illustration's SVG and PNG (empty when all is well)."""
    svg = root / illustration.file
    shown = f"{root.name}/{illustration.file}"
    if not svg.is_file():
        return [f"{where}: field 'file': {shown} does not exist"]
    problem = _svg_problem(svg)
    if problem:
        return [f"{shown}: {problem}"]
    png = png_path(svg)
    shown_png = f"{root.name}/{png.relative_to(root).as_posix()}"
    if not png.is_file():
        return [f"{shown_png}: missing; {RENDER_HINT}"]
    problems = []
    size = png.stat().st_size
    if size > MAX_BYTES:
        problems.append(f"{shown_png}: {size:,} bytes; Telegram and Discord take at most "
                        f"{MAX_BYTES:,}")
    try:
        with PillowImage.open(png) as image:
            kind, (width, height), stamp = image.format, image.size, image.info.get(SOURCE_KEY)
    except (OSError, UnidentifiedImageError) as exc:
        return [f"{shown_png}: not a readable PNG: {exc}"]
    if kind != "PNG":
        problems.append(f"{shown_png}: is {kind}, not PNG")
    if width + height > MAX_SIDES:
        problems.append(f"{shown_png}: {width}x{height}; width + height must be at most {MAX_SIDES:,}")
    if max(width, height) > MAX_RATIO * min(width, height):
        problems.append(f"{shown_png}: {width}x{height} is too long and thin (ratio over {MAX_RATIO:.0f})")
    if stamp != digest(svg.read_bytes()):
        problems.append(f"{shown_png}: out of date with {svg.name}; {RENDER_HINT}")
    return problems


def as_image(illustration: Illustration, root: Path) -> Image:
    """Return the neutral image for an illustration; its key changes whenever the PNG does."""
    png = png_path(root / illustration.file)
    key = f"{png.stem}-{digest(png.read_bytes())[:16]}"
    return Image(name=png.name, alt=illustration.alt, path=png, key=key)
