"""Translation QA and readability checks for every (article, locale).

- `entry_findings`: the pure per-entry QA checks (numbers, urls, markup, no-translate, html,
  identical, length-ratio, glossary), see `toolkit.checks.entry`.
- `qa_findings`: those checks over one catalog, located in the project (used by publishing).
- `run_checks`: the `check` command: QA, counts and readability per pair, as a `CheckRun`.
"""

from __future__ import annotations

from .entry import CHECKS, entry_findings
from .report import CheckRun, PairReport, qa_findings, run_checks

__all__ = ["CHECKS", "CheckRun", "PairReport", "entry_findings", "qa_findings", "run_checks"]
