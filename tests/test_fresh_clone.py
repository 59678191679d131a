"""The suite runs in a fresh clone with nothing beside it: only conftest knows ../shared."""

from __future__ import annotations

import re

from conftest import REPO


def test_no_test_reads_the_shared_folder_but_through_the_seed_fixture() -> None:
    # ../shared (the seed article) is beside the checkout in CI only: a test that reads it
    # directly fails in a fresh clone instead of skipping with the fixture's reason
    offenders = [
        path.name
        for path in sorted((REPO / "tests").glob("test_*.py"))
        if path.name != "test_fresh_clone.py"
        and re.search(r"\bSEED\b|\bSHARED\b|\.\./shared|parents\[2\]", path.read_text("utf-8"))
    ]
    assert offenders == []
