"""`rag eval`: its options; what it does and prints is in ``rag.cli.evaluate``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rag.cli.common import JsonOpt, ModeChoice, app, settings
from rag.cli.output import friendly_errors


@app.command("eval")
@friendly_errors
def eval_command(
    dataset: Annotated[
        Path | None, typer.Option("--dataset", help="Reference cases (JSONL, evals/README.md).")
    ] = None,
    briefings: Annotated[
        Path | None, typer.Option("--briefings", help="Briefing set (JSONL); default: shipped.")
    ] = None,
    corpus: Annotated[
        list[Path] | None,
        typer.Option("--corpus", help="Documents to index (repeatable); default: shipped."),
    ] = None,
    mode: Annotated[
        ModeChoice, typer.Option("--mode", help="offline, llm or auto (llm if configured).")
    ] = ModeChoice.offline,
    judge: Annotated[
        bool | None,
        typer.Option("--judge/--no-judge", help="LLM-judged metrics (default: if configured)."),
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Folder for results.json, report.md, charts.")
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="A run to compare with (default: evals/baseline/MODE)."),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 if a metric is outside evals/floors.json.")
    ] = False,
    floors: Annotated[
        Path | None, typer.Option("--floors", help="Floors file to check (implies --check).")
    ] = None,
    compare_paths: Annotated[
        tuple[Path, Path] | None,
        typer.Option("--compare", help="Compare two saved runs (results.json or folders)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Score answers on a reference set in a temporary index; or compare two runs."""
    from rag.cli.evaluate import compare_command, evaluate_command  # matplotlib: only here

    if compare_paths:
        raise typer.Exit(compare_command(*compare_paths, as_json=as_json))
    code = evaluate_command(
        settings(),
        dataset=dataset,
        briefings=briefings,
        corpus=corpus,
        mode=mode.value,
        judge=judge,
        out_dir=out_dir,
        baseline=baseline,
        floors=floors,
        check=check,
        as_json=as_json,
    )
    raise typer.Exit(code)
