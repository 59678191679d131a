"""Images and linked local files ship next to their page, in the site and in the bundle."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from test_site_fixtures import install_fake_audio

from toolkit.cli import main

ARTICLE = """\
---
title: Using the cuff
---

# Using the cuff

![A cuff on the upper arm](img/cuff.png)

Print the [record sheet](sheet.pdf#page=2) and keep it.
"""
PNG = b"\x89PNG\r\n\x1a\n" + b"english cuff"
PNG_ES = b"\x89PNG\r\n\x1a\n" + b"spanish cuff"
PDF = b"%PDF-1.4\n% sheet\n"


def invoke(project: Path, *args: str):
    return CliRunner().invoke(main, ["--project", str(project), *args])


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    install_fake_audio(monkeypatch)
    sources = tmp_path / "source_articles"
    (sources / "img").mkdir(parents=True)
    (sources / "cuff.md").write_text(ARTICLE, encoding="utf-8")
    (sources / "img" / "cuff.png").write_bytes(PNG)
    (sources / "img" / "cuff.es.png").write_bytes(PNG_ES)
    (sources / "sheet.pdf").write_bytes(PDF)
    assert invoke(tmp_path, "extract").exit_code == 0
    assert invoke(tmp_path, "init", "es").exit_code == 0
    po_path = tmp_path / "locales/es/LC_MESSAGES/cuff.po"
    po = polib.pofile(str(po_path))
    spanish = {
        "Using the cuff": "Cómo usar el manguito",
        "A cuff on the upper arm": "Un manguito en la parte superior del brazo",
        "Print the [record sheet](sheet.pdf#page=2) and keep it.": (
            "Imprima la [hoja de registro](sheet.pdf#page=2) y guárdela."
        ),
    }
    for entry in po:
        entry.msgstr = spanish[entry.msgid]
    po.save()
    return tmp_path


def members(bundle: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(bundle) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_an_article_with_an_image_builds_a_bundle_holding_it(project: Path) -> None:
    result = invoke(project, "build")
    assert result.exit_code == 0, result.output
    assert "wrote build/site/es/cuff/img/cuff.png\n" in result.output
    for locale, image in (("en", PNG), ("es", PNG_ES)):  # the Spanish variant in Spanish
        page = project / "build/site" / locale / "cuff"
        assert (page / "img/cuff.png").read_bytes() == image
        assert (page / "sheet.pdf").read_bytes() == PDF
        files = members(project / "build/bundles" / f"{locale}.zip")
        assert files["cuff/img/cuff.png"] == image
        assert files["cuff/sheet.pdf"] == PDF
        listed = {f["path"]: f for f in json.loads(files["manifest.json"])["files"]}
        assert listed["cuff/img/cuff.png"] == {
            "path": "cuff/img/cuff.png",
            "bytes": len(image),
            "sha256": hashlib.sha256(image).hexdigest(),
        }
        assert listed["cuff/sheet.pdf"]["sha256"] == hashlib.sha256(PDF).hexdigest()
        verified = invoke(project, "verify", str(project / "build/bundles" / f"{locale}.zip"))
        assert verified.exit_code == 0, verified.output
        assert verified.output.startswith("ok ") and "match manifest.json" in verified.output
    html = (project / "build/site/es/cuff/index.html").read_text(encoding="utf-8")
    assert 'src="img/cuff.png"' in html


def test_a_changed_image_is_shipped_on_the_next_build(project: Path) -> None:
    assert invoke(project, "build").exit_code == 0
    (project / "source_articles/img/cuff.es.png").write_bytes(PNG_ES + b" v2")
    result = invoke(project, "build")
    assert result.exit_code == 0, result.output
    assert "wrote build/site/es/cuff/img/cuff.png\n" in result.output
    files = members(project / "build/bundles/es.zip")
    assert files["cuff/img/cuff.png"] == PNG_ES + b" v2"


def test_a_missing_image_is_an_error_naming_the_article_and_line(project: Path) -> None:
    (project / "source_articles/img/cuff.png").unlink()
    result = invoke(project, "build")
    assert result.exit_code == 1
    assert result.output == (
        "Error: source_articles/cuff.md:7: 'img/cuff.png' not found "
        "(source_articles/img/cuff.png): add the file or fix the path\n"
    )
    assert not (project / "build/bundles").exists()


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("../../secret.png", "'../../secret.png' leaves the project: refused"),
        (
            "/etc/passwd",
            "'/etc/passwd' is an absolute path: refer to the file relative to the article",
        ),
        (
            "../pyproject.toml",
            "'../pyproject.toml' is outside source_articles/: move the file into that folder "
            "(or a folder under it) so it can be shipped next to the page",
        ),
    ],
)
def test_paths_that_leave_the_source_folder_are_refused(
    project: Path, target: str, message: str
) -> None:
    (project.parent / "secret.png").write_bytes(b"not yours")
    source = project / "source_articles/cuff.md"
    source.write_text(ARTICLE.replace("img/cuff.png", target), encoding="utf-8")
    result = invoke(project, "build")
    assert result.exit_code == 1
    assert result.output == f"Error: source_articles/cuff.md:7: {message}\n"
    assert not (project / "build/site/en/cuff").exists()


def test_remote_and_in_page_links_are_not_assets(project: Path) -> None:
    source = project / "source_articles/cuff.md"
    source.write_text(
        ARTICLE + "\nSee [the guide](https://example.org/guide.pdf), [above](#top) and "
        "<mailto:nurse@example.org>.\n",
        encoding="utf-8",
    )
    result = invoke(project, "build", "--locale", "en")
    assert result.exit_code == 0, result.output
    assert sorted(n for n in members(project / "build/bundles/en.zip") if "cuff/" in n) == [
        "cuff/article.md",
        "cuff/article.txt",
        "cuff/audio.mp3",
        "cuff/captions.vtt",
        "cuff/chapters.vtt",
        "cuff/img/cuff.png",
        "cuff/index.html",
        "cuff/sheet.pdf",
    ]


def test_render_copies_the_assets_too(project: Path) -> None:
    result = invoke(project, "render", "--locale", "es")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "wrote build/site/es/cuff/article.md\n"
        "wrote build/site/es/cuff/article.txt\n"
        "wrote build/site/es/cuff/img/cuff.png\n"
        "wrote build/site/es/cuff/sheet.pdf\n"
    )
    assert (project / "build/site/es/cuff/img/cuff.png").read_bytes() == PNG_ES
    assert (
        invoke(project, "render", "--locale", "es").output
        == "render: nothing to do (2 up to date)\n"
    )


def test_a_symlinked_asset_or_variant_is_refused(project: Path) -> None:
    secret = project.parent / "secret.txt"
    secret.write_text("not yours")
    image = project / "source_articles/img/cuff.png"
    image.unlink()
    image.symlink_to(secret)
    result = invoke(project, "build")
    assert result.exit_code == 1
    assert result.output == (
        "Error: source_articles/cuff.md:7: 'img/cuff.png' leaves the project: refused\n"
    )
    image.unlink()
    image.write_bytes(PNG)
    variant = project / "source_articles/img/cuff.es.png"
    variant.unlink()
    variant.symlink_to(image)  # inside the folder, but a link: the sources' own rule
    result = invoke(project, "build")
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: source_articles/cuff.md:7: 'img/cuff.es.png' goes through a symbolic link "
        "(source_articles/img/cuff.es.png); assets must be real files"
    )
    assert not (project / "build/bundles/es.zip").exists()
