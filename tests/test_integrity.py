"""What a project may point at outside itself: nothing, unless the coordinator opts in.

A symlink in the sources once put /etc/passwd into a template and a bundle; `build_dir = ".."`
was written to. Each case is one message naming the file or key, exit 1, nothing written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.errors import ArticleError, ConfigError
from toolkit.project import Project

ARTICLE = "---\ntitle: Hand washing\n---\n\nWash your hands for 20 seconds.\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "source_articles").mkdir(parents=True)
    (root / "source_articles" / "hands.md").write_text(ARTICLE, encoding="utf-8")
    return root


def _config(root: Path, text: str) -> None:
    (root / "pyproject.toml").write_text(f"[tool.toolkit]\n{text}\n", encoding="utf-8")


def _run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--project", str(root), *args])
    return result.exit_code, result.output


def test_a_symlink_in_the_sources_is_refused_and_nothing_is_written(
    project: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0\n", encoding="utf-8")
    (project / "source_articles" / "passwd.md").symlink_to(secret)
    code, output = _run(project, "extract")
    assert code == 1
    assert output == (
        f"Error: source_articles/passwd.md: is a symbolic link (to {secret}); sources must be "
        "real files inside the project: replace the link with the file, or set "
        "integrity.follow_symlinks = true to follow links that stay inside the project\n"
    )
    assert not (project / "locales").exists()


def test_following_symlinks_is_an_opt_in_limited_to_the_project(
    project: Path, tmp_path: Path
) -> None:
    _config(project, "[tool.toolkit.integrity]\nfollow_symlinks = true")
    (project / "drafts").mkdir()
    (project / "drafts" / "fever.md").write_text(ARTICLE, encoding="utf-8")
    (project / "source_articles" / "fever.md").symlink_to(project / "drafts" / "fever.md")
    assert list(Project.load(project).source_files()) == ["fever", "hands"]
    outside = tmp_path / "outside.md"
    outside.write_text(ARTICLE, encoding="utf-8")
    (project / "source_articles" / "outside.md").symlink_to(outside)
    with pytest.raises(ArticleError) as caught:
        Project.load(project).source_files()
    assert str(caught.value) == (
        f"source_articles/outside.md: is a symbolic link to {outside}, outside the project; "
        "links are followed only inside the project: copy the file in instead"
    )


def test_a_source_folder_that_is_a_symlink_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "hands.md").write_text(ARTICLE, encoding="utf-8")
    root = tmp_path / "project"
    root.mkdir()
    (root / "source_articles").symlink_to(elsewhere)
    with pytest.raises(ArticleError, match=r"^source_articles: is a symbolic link \(to "):
        Project.load(root).source_files()


@pytest.mark.parametrize("build_dir", ["/tmp/elsewhere", "../elsewhere"])
def test_build_dir_outside_the_project_needs_an_opt_in(project: Path, build_dir: str) -> None:
    _config(project, f"build_dir = {build_dir!r}")
    target = (project / build_dir).resolve()
    with pytest.raises(ConfigError) as caught:
        Project.load(project)
    assert str(caught.value) == (
        f"1 problem(s) in {project / 'pyproject.toml'}:\n"
        f"  - tool.toolkit.build_dir: {build_dir!r} is outside the project ({target}); use a "
        "folder inside it, or opt in with `--allow-outside` or integrity.allow_outside = true"
    )
    code, output = _run(project, "compile")
    assert code == 1 and output.startswith("Error: 1 problem(s) in")
    assert Project.load(project, integrity={"allow_outside": True}).paths.build_dir == Path(
        project / build_dir
    )
    _config(project, f"build_dir = {build_dir!r}\n[tool.toolkit.integrity]\nallow_outside = true")
    assert Project.load(project).config.integrity.allow_outside is True


@pytest.mark.parametrize("build_dir", ["..", ".", "", "source_articles/.."])
def test_build_dir_may_never_be_the_project_or_above_it(project: Path, build_dir: str) -> None:
    _config(project, f"build_dir = {build_dir!r}\n[tool.toolkit.integrity]\nallow_outside = true")
    with pytest.raises(ConfigError, match="is the project folder or holds it"):
        Project.load(project)


def test_a_build_dir_symlinked_out_of_the_project_is_refused(project: Path, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (project / "build").symlink_to(tmp_path / "out")
    with pytest.raises(ConfigError, match=r"'build' is outside the project"):
        Project.load(project)
    assert _run(project, "--allow-outside", "compile")[0] == 0
