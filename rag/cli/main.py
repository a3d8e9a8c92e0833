"""The `rag` command line. Exit codes: 0 all well, 1 some inputs rejected or the
operation failed, 2 usage or configuration error. No traceback reaches a user."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rag.cli.output import (
    emit_json,
    err,
    friendly_errors,
    out,
    print_citations,
    progress_bar,
    show,
)
from rag.core.errors import RagError
from rag.core.settings import Settings, get_settings

if TYPE_CHECKING:
    from rag.engine.engine import Engine

app = typer.Typer(
    help="Ask questions of police inspection findings, with checkable citations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


def settings() -> Settings:
    return get_settings()


@app.command()
@friendly_errors
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).")],
    force_name: Annotated[
        str | None, typer.Option("--force-name", help="Force name to record, overriding the title.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add or update documents (.txt .md .pdf .html) in the index."""
    from rag.ingest.pipeline import ingest_paths

    with progress_bar("Ingesting") as update:
        report = ingest_paths(paths, settings(), force_name=force_name, progress=update)
    if as_json:
        emit_json(report.to_json())
    else:
        for doc in report.documents:
            if doc.status == "rejected":
                name = show(doc.source, one_line=True)
                err.print(f"[red]rejected[/]  {name}: {show(doc.error or '')}")
                continue
            note = f" ({show(doc.note)})" if doc.note else ""
            out.print(
                f"{doc.status:<9} {show(doc.source, one_line=True)}  "
                f"[{show(doc.force or 'force unknown')}]"
                f"  {doc.chunks} chunks{note}"
            )
        out.print(f"{report.embedded_chunks} chunks embedded in {report.elapsed_s:.1f} s")
    raise typer.Exit(report.exit_code)


@app.command("list")
@friendly_errors
def list_documents(as_json: JsonOpt = False) -> None:
    """List the documents in the index."""
    from rag.index.read import open_read_store

    records = open_read_store(settings()).documents()
    rows = [
        {
            "document_id": r.document_id,
            "source": r.source,
            "force": r.force,
            "inspector": r.inspector,
            "title": r.title,
            "chunks": r.chunks,
            "ingested_at": r.ingested_at,
        }
        for r in records
    ]
    if as_json:
        emit_json({"documents": rows})
        return
    if not rows:
        out.print("The index is empty: add documents with `rag ingest PATH`.")
    for row in rows:
        out.print(
            f"{row['document_id'][:12]}  {show(row['force'] or '-')}  "
            f"{show(row['inspector'] or '-')}  {row['chunks']} chunks  "
            f"{show(row['source'], one_line=True)}"
        )


@app.command()
@friendly_errors
def remove(
    documents: Annotated[list[str], typer.Argument(help="Source names or document ids.")],
    as_json: JsonOpt = False,
) -> None:
    """Remove documents (and all their chunks) from the index."""
    from rag.ingest.pipeline import remove_sources

    results = remove_sources(documents, settings())
    removed = [r for r in results if not isinstance(r, RagError)]
    missing = [str(r) for r in results if isinstance(r, RagError)]
    if as_json:
        emit_json(
            {
                "removed": [{"source": r.source, "document_id": r.document_id} for r in removed],
                "errors": missing,
            }
        )
    else:
        for r in removed:
            out.print(f"removed   {show(r.source, one_line=True)}")
        for message in missing:
            err.print(f"[red]not found[/] {show(message)}")
    raise typer.Exit(1 if missing else 0)


class ModeChoice(StrEnum):
    auto = "auto"
    offline = "offline"
    llm = "llm"


ModeOpt = Annotated[
    ModeChoice | None, typer.Option("--mode", help="auto, offline or llm (default: RAG_MODE).")
]


def engine() -> Engine:
    from rag.engine.engine import Engine

    return Engine(settings())


@app.command()
@friendly_errors
def ask(
    question: Annotated[str, typer.Argument(help="A question in plain words.")],
    force: Annotated[
        str | None, typer.Option("--force", help="Only this force's documents.")
    ] = None,
    mode: ModeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer a question from the documents, with verified citations."""
    answer = engine().ask(question, force=force, mode=mode and mode.value)
    if as_json:
        emit_json(answer.to_json())
        return
    if answer.notice:
        err.print(f"[yellow]note[/]: {show(answer.notice)}")
    out.print(show(answer.answer))
    print_citations(answer.citations)
    if answer.partial:
        err.print("[yellow]partial[/]: the model's reply broke off; this answer is incomplete")


@app.command()
@friendly_errors
def brief(
    force: Annotated[str, typer.Argument(help="The force, as `rag list` names it.")],
    mode: ModeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A one-paragraph briefing on a force, every sentence cited."""
    from rag.answer.briefing import brief as make_briefing

    briefing = make_briefing(engine(), force, mode and mode.value)
    if as_json:
        emit_json(briefing.to_json())
        return
    if briefing.notice:
        err.print(f"[yellow]note[/]: {show(briefing.notice)}")
    out.print(show(briefing.paragraph))
    out.print(f"Grade stated: {show(briefing.grade or 'none')}")
    for title, items in briefing.sections():
        out.print(f"{title}:")
        for item in items:
            refs = "".join(f"[{n}]" for n in item.citations)
            out.print(f"  - {show(item.text)} {refs}")
    print_citations(briefing.citations)


@app.command()
@friendly_errors
def compare(
    theme: Annotated[str, typer.Argument(help="A theme, e.g. 'integrity and corruption'.")],
    forces: Annotated[
        str | None, typer.Option("--forces", help="Comma-separated forces (default: all).")
    ] = None,
    mode: ModeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What each force's documents say on a theme, cited; "not covered" where silent."""
    from rag.engine.compare import chosen_forces
    from rag.engine.compare import compare as run_compare

    eng = engine()
    chosen = chosen_forces(eng, forces.split(",")) if forces else None
    table = run_compare(eng, theme, chosen, mode and mode.value)
    if as_json:
        emit_json(table.to_json())
        return
    for row in table.rows:
        out.print(f"[bold]{show(row.force)}[/]: {show(row.summary)}")
        print_citations(row.citations)


@app.command()
@friendly_errors
def config(as_json: JsonOpt = False) -> None:
    """Show the effective settings (secrets masked)."""
    values = settings().masked()
    if as_json:
        emit_json(values)
        return
    width = max(map(len, values))
    for name, value in values.items():
        out.print(f"{name:<{width}}  {show(str(value))}")


# --- rag doctor ------------------------------------------------------------------------
@app.command()
@friendly_errors
def doctor(
    repair: Annotated[
        bool, typer.Option("--repair", help="Delete orphan chunks and remove broken documents.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Check the index (counts, orphans, half-written documents, model, lock); exit 1 if
    problems remain."""
    from rag.index.doctor import run_doctor

    report = run_doctor(settings(), fix=repair)
    if as_json:
        emit_json(report.to_json())
        raise typer.Exit(report.exit_code)
    out.print(f"index       {show(report.index)}")
    out.print(f"model       {show(str(report.model))} (dimension {report.dimension})")
    out.print(f"documents   {report.documents}")
    out.print(f"chunks      {report.chunks} ({report.live_chunks} live, "
              f"{report.orphan_chunks} orphan)")
    if report.chunks_without_sentence_vectors and settings().embedding_backend == "offline":
        out.print(f"note        {report.chunks_without_sentence_vectors} live chunk(s) have no "
                  "stored sentence vectors: offline answers embed their sentences when asked "
                  "(slower); `rag ingest` on their files adds them (offline embeddings only)")
    out.print(f"write lock  {report.lock}")
    for problem in report.problems:
        state = "[green]repaired[/]" if problem.repaired else "[red]problem[/]"
        hint = "" if problem.repaired or not problem.repairable else " (fix: rag doctor --repair)"
        out.print(f"{state}  {show(problem.kind)}: {show(problem.detail)}{hint}")
    if report.reingest:
        out.print("ingest again: " + " ".join(show(s) for s in report.reingest))
    out.print("healthy" if report.healthy else "problems remain")
    raise typer.Exit(report.exit_code)


# --- rag eval (logic in rag/eval_cli.py) -----------------------------------------------


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
    from rag.cli.evaluate import compare_command, evaluate_command

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


def main() -> None:  # pragma: no cover - console entry point
    app()
