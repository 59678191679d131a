"""The errors a user can cause, each with its exit code.

The CLI maps these to one message and an exit code in one place; any other exception is a
bug and keeps its traceback.
"""

from __future__ import annotations


class ToolkitError(Exception):
    """Bad input: one clear message naming what, where, and what to do. Exit code 1."""

    exit_code = 1


class ConfigError(ToolkitError):
    """The project's configuration is invalid (every problem is listed at once)."""


class ArticleError(ToolkitError):
    """A source article cannot be read or parsed."""


class CatalogError(ToolkitError):
    """A .po/.pot file is broken or cannot be written."""


class EngineError(ToolkitError):
    """A speech engine is unknown, unavailable or cannot speak a locale."""


class ExecutorError(ToolkitError):
    """The executor cannot run the tasks: a Dask scheduler that cannot be reached, no
    worker, or a worker running another toolkit version."""


class GateFailed(ToolkitError):
    """A quality gate failed (`check --strict`, `update --check`). Exit code 3."""

    exit_code = 3
