"""`rag ingest`, `list`, `remove`, `doctor` and `config`: the index and the settings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rag.cli.common import JsonOpt, app, settings
from rag.cli.output import emit_json, err, friendly_errors, out, progress_bar, show
from rag.core.errors import RagError


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
                f"[{show(doc.force or 'no force named')}]"
                f"  {doc.chunks} chunks{note}"
            )
        out.print(f"{report.embedded_chunks} chunks embedded in {report.elapsed_s:.1f} s")
    raise typer.Exit(report.exit_code)


@app.command("list")
@friendly_errors
def list_documents(as_json: JsonOpt = False) -> None:
    """List the documents in the index."""
    from rag.index.opening import open_read_store

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
    from rag.ingest.removal import remove_sources

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
    out.print(
        f"chunks      {report.chunks} ({report.live_chunks} live, {report.orphan_chunks} orphan)"
    )
    if report.chunks_without_sentence_vectors and settings().embedding_backend == "offline":
        out.print(
            f"note        {report.chunks_without_sentence_vectors} live chunk(s) have no "
            "stored sentence vectors: offline answers embed their sentences when asked "
            "(slower); `rag ingest` on their files adds them (offline embeddings only)"
        )
    if report.documents_without_pages:
        out.print(
            f"note        {len(report.documents_without_pages)} PDF(s) were read by an older "
            "version: their citations name no page or section; `rag ingest` on them reads "
            "them anew"
        )
    noted = set(report.documents_without_pages)
    stale = [s for s in report.documents_read_differently if s not in noted]
    if stale:
        out.print(
            f"note        {len(stale)} document(s) were read by another version of the "
            "reader or other chunk settings (a web page read before its sections, say): "
            "`rag ingest` on them reads them anew"
        )
    if report.lexical_index_built is False:
        out.print(
            "note        the BM25 files of these documents are not built yet (an ingest "
            "stopped after its commit, a new machine, or an older index): the first "
            "question builds them; `rag doctor --repair` does now"
        )
    if report.registry_stamped is False and report.documents:
        out.print(
            "note        the registry has no head stamp yet (an index from an older "
            "version): each start reads every record; the next ingest, or `rag doctor "
            "--repair`, adds it"
        )
    out.print(f"write lock  {report.lock}")
    for problem in report.problems:
        state = "[green]repaired[/]" if problem.repaired else "[red]problem[/]"
        hint = "" if problem.repaired or not problem.repairable else " (fix: rag doctor --repair)"
        out.print(f"{state}  {show(problem.kind)}: {show(problem.detail)}{hint}")
    if report.reingest:
        out.print("ingest again: " + " ".join(show(s) for s in report.reingest))
    out.print("healthy" if report.healthy else "problems remain")
    raise typer.Exit(report.exit_code)
