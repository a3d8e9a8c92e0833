"""The `rag` command line. Exit codes: 0 all well, 1 some inputs rejected or the
operation failed, 2 usage or configuration error. No traceback reaches a user.

Each command lives with its kind: ``index_commands`` (ingest, list, remove, config,
doctor), ``answer_commands`` (ask, brief, compare, grades), ``eval_command`` (eval) and
``app_command`` (app). Importing them registers them on :data:`app`, in the order
`rag --help` lists them.
"""

from rag.cli import index_commands, answer_commands, eval_command, app_command  # noqa: I001
from rag.cli.common import app

__all__ = ["app", "answer_commands", "app_command", "eval_command", "index_commands"]


def main() -> None:  # pragma: no cover - console entry point
    app()
