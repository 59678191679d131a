"""Test session set-up: the network is blocked, a small project is one fixture away."""

from __future__ import annotations

import socket
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

# CI (`.ci/run`) replays the same examples every run (`--hypothesis-profile=ci`), so a landing
# never depends on a new random draw; a developer's run explores new ones, and what it finds
# goes into the test as an `@example`.
settings.register_profile("ci", derandomize=True, print_blob=True)

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "seeds" / "000_59354706087aab4b.txt"
REPO = Path(__file__).resolve().parents[1]


def site_bytes(root: Path) -> dict[str, bytes]:
    """Every file a build publishes (site, bundles, report) by path: two builds compare equal
    when their outputs are the same bytes."""
    build = root / "build"
    return {
        p.relative_to(build).as_posix(): p.read_bytes()
        for folder in ("site", "bundles", "report")
        for p in sorted((build / folder).rglob("*"))
        if p.is_file()
    }


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def is_alive(pid: int) -> bool:
    """True unless gone or a zombie (an orphan's reaper may be slow, or absent in a container)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def bench_corpus_texts(articles: int, locales: tuple[str, ...]) -> list[tuple[str, str]]:
    """(Markdown, locale) of the first `articles` bench corpus articles ("en"), each followed
    by its pseudo-translations into `locales`: input nobody wrote for the tests."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import corpus
    finally:
        sys.path.remove(str(REPO / "bench"))
    texts = []
    for index in range(articles):
        _, text = corpus.article(index)
        texts.append((text, "en"))
        texts += [(corpus.pseudo_translate(text, code), code) for code in locales]
    return texts


def seed_article() -> Path:
    """The seed article (../shared/seeds beside the checkout); skips the calling test without it.

    It is real input nobody here wrote and it is not copied into the project, so a fresh clone
    with nothing beside it has no seed: its tests then skip, saying why, instead of failing.
    """
    if not SEED.is_file():
        pytest.skip(
            f"seed article {SEED} is absent: these tests need ../shared/seeds beside the "
            "checkout (CI has it)"
        )
    return SEED


@pytest.fixture
def seed() -> Path:
    """The seed article's path, or the test is skipped (see `seed_article`)."""
    return seed_article()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-network", action="store_true", help="run tests marked `network`")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-network"):
        return
    skip = pytest.mark.skip(reason="talks to the internet: opt in with --run-network")
    for item in items:
        if "network" in item.keywords:
            item.add_marker(skip)


class NetworkBlocked(OSError):
    pass


_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else address
    if self.family == socket.AF_UNIX or host in ("127.0.0.1", "::1", "localhost"):
        return _real_connect(self, address)
    raise NetworkBlocked(f"network blocked in tests: connect to {address!r}")


@pytest.fixture(autouse=True)
def no_network(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs with connections beyond loopback refused, unless marked `network`."""
    if "network" in request.keywords and request.config.getoption("--run-network"):
        return
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
    monkeypatch.setattr(
        socket, "create_connection", lambda *a, **k: (_ for _ in ()).throw(NetworkBlocked(str(a)))
    )


ARTICLE_MD = textwrap.dedent(
    """\
    ---
    title: Taking your blood pressure at home
    summary: How to measure your blood pressure and what the numbers mean.
    no_translate: [Omron]
    ---

    # Why measure at home

    Your nurse may ask you to check your blood pressure **twice a day**.

    ## What you need

    - A cuff that fits your arm
    - A notebook, or the [record sheet](https://example.org/sheet.pdf)
      1. Write the date
      2. Write both numbers

    | Reading | What it means |
    | --- | --- |
    | 120/80 | Normal |
    | 140/90 | High |

    > Call 911 if you have chest pain.

    ```
    SYS 120 DIA 80
    ```

    Take 2.5 mg of the tablet with water.
    """
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project: one Markdown article, no pyproject.toml (all defaults)."""
    (tmp_path / "source_articles").mkdir()
    (tmp_path / "source_articles" / "blood-pressure.md").write_text(ARTICLE_MD, encoding="utf-8")
    return tmp_path
