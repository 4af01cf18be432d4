"""Illustrations: shipped ones are valid and current; content check names each kind of fault."""

import io
from pathlib import Path

import pytest
import yaml
from PIL import Image as PillowImage
from PIL import ImageChops, PngImagePlugin

from bot.cli.content import run_render
from bot.content.images import MAX_BYTES, SOURCE_KEY, digest, png_path, render_png
from bot.content.loader import PROGRESSION_FILE, check_content, default_content_dir, load_content
from bot.content.schema import LEVEL_IDS
from tests.content.conftest import faq_text

SHIPPED = default_content_dir()


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_every_level_and_cue_has_a_picture_with_alt_text():
    content = load_content()
    files = [level.illustration.file for level in content.progression.levels]
    assert files == [f"images/{level_id}.svg" for level_id in LEVEL_IDS]
    pictures = content.progression.pictures
    assert (pictures.tail_tuck.file, pictures.coming_out.file) == (
        "images/tail-tuck.svg", "images/coming-out.svg")
    for illustration in content.progression.illustrations():
        image = content.picture(illustration.file)
        assert image is not None and image.path is not None and image.path.is_file()
        assert len(image.alt) >= 60 and image.alt == illustration.alt
        assert image.key and image.key.startswith(image.path.stem + "-")


def test_shipped_pngs_are_rendered_from_the_current_svgs_and_fit_the_platforms():
    for illustration in load_content().progression.illustrations():
        svg = SHIPPED / illustration.file
        png = png_path(svg)
        with PillowImage.open(png) as image:
            assert image.format == "PNG"
            assert image.size == (1200, 800)
            assert image.info[SOURCE_KEY] == digest(svg.read_bytes()), f"{png.name} is stale"
        assert png.stat().st_size < MAX_BYTES


def test_rendering_the_svg_again_gives_the_same_picture():
    svg = SHIPPED / "images" / "high.svg"
    with PillowImage.open(png_path(svg)) as shipped, PillowImage.open(io.BytesIO(render_png(svg))) as again:
        assert again.size == shipped.size
        # Fonts can differ between machines by a few pixels; the drawing must not.
        changed = sum(ImageChops.difference(again.convert("L"), shipped.convert("L")).histogram()[41:])
        assert changed < 0.02 * again.size[0] * again.size[1]


def test_a_missing_svg_is_named_with_its_field(root: Path):
    (root / "images" / "low.svg").unlink()
    problems = check_content(root)
    assert "content/progression.yaml: field 'file': content/images/low.svg does not exist" in problems


def test_a_missing_alt_text_is_reported(root: Path):
    _edit(root / PROGRESSION_FILE, lambda d: d["levels"][1]["illustration"].pop("alt"))
    problems = check_content(root)
    assert any("levels.1.illustration.alt" in p and "Field required" in p for p in problems), problems


def test_an_empty_alt_text_is_reported(root: Path):
    _edit(root / PROGRESSION_FILE, lambda d: d["pictures"]["tail_tuck"].update(alt="  "))
    problems = check_content(root)
    assert any("pictures.tail_tuck.alt" in p for p in problems), problems


def test_an_edited_svg_makes_its_png_stale_until_rendered(root: Path, capsys: pytest.CaptureFixture):
    svg = root / "images" / "medium.svg"
    svg.write_text(svg.read_text(encoding="utf-8").replace("Medium seat", "Medium height"),
                   encoding="utf-8")
    problems = check_content(root)
    assert problems == ["content/images/medium.png: out of date with medium.svg; run "
                        "`python -m bot content render` to make it from the SVG"]
    assert run_render(root) == 0
    assert "rendered content/images/medium.png" in capsys.readouterr().out
    assert check_content(root) == []


def test_a_missing_png_is_reported(root: Path):
    (root / "images" / "floor.png").unlink()
    assert check_content(root) == [
        "content/images/floor.png: missing; run `python -m bot content render` to make it from the SVG"]


@pytest.mark.parametrize(("size", "fault"), [
    ((9000, 1500), "width + height must be at most 10,000"),
    ((2100, 100), "too long and thin"),
])
def test_pictures_outside_telegrams_photo_limits_are_reported(root: Path, size, fault):
    svg = root / "images" / "prep.svg"
    png = png_path(svg)
    info = PngImagePlugin.PngInfo()
    info.add_text(SOURCE_KEY, digest(svg.read_bytes()))
    PillowImage.new("RGB", size, "white").save(png, "PNG", pnginfo=info)
    problems = check_content(root)
    assert len(problems) == 1 and problems[0].startswith("content/images/prep.png: ")
    assert fault in problems[0]


def test_a_picture_over_10_mb_is_reported(root: Path):
    png = png_path(root / "images" / "high.svg")
    png.write_bytes(png.read_bytes() + b"\0" * MAX_BYTES)
    problems = check_content(root)
    assert any(p.startswith("content/images/high.png: ") and "at most 10,000,000" in p
               for p in problems), problems


def test_a_faq_picture_must_be_one_with_alt_text(root: Path):
    text = faq_text("props").replace("tags: [test]\n", "tags: [test]\nillustration: images/nope.svg\n")
    (root / "faq" / "props.md").write_text(text, encoding="utf-8")
    problems = check_content(root)
    assert problems == ["content/faq/props.md: field 'illustration': images/nope.svg is not one of "
                        "the pictures in progression.yaml (where its alt text lives)"]
