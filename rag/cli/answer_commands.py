"""`rag ask`, `brief`, `compare` and `grades`: cited answers, briefings, comparisons and
the grades the documents state."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from rag.cli.common import JsonOpt, ModeOpt, app, engine
from rag.cli.output import emit_json, err, friendly_errors, out, print_citations, show


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
    briefing = engine().brief(force, mode and mode.value)
    if as_json:
        emit_json(briefing.to_json())
        return
    if briefing.notice:
        err.print(f"[yellow]note[/]: {show(briefing.notice)}")
    out.print(show(briefing.paragraph))
    out.print(f"Grade stated: {show(briefing.grade or 'none')}")
    if briefing.grades:
        out.print("Grades stated:")
        for stated in briefing.grades:
            refs = "".join(f"[{n}]" for n in stated.citations)
            out.print(f"  - {show(stated.area)}: {show(stated.grade)} {refs}")
    for title, items in briefing.sections():
        out.print(f"{title}:")
        for item in items:
            refs = "".join(f"[{n}]" for n in item.citations)
            about = ", ".join(show(t) for t in (item.label, item.theme) if t)
            out.print(f"  - {show(item.text)} {refs}" + (f" ({about})" if about else ""))
    context = [f for f in briefing.findings if f.kind == "context"]
    if context:
        out.print(f"Context: {len(context)} more sentence(s) of figures and plans (see --json)")
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
        if row.grade:
            refs = "".join(f"[{n}]" for n in row.grade.citations)
            out.print(f"  Grade stated for {show(row.grade.area)}: {show(row.grade.grade)} {refs}")
        print_citations(row.citations)


@app.command()
@friendly_errors
def grades(
    forces: Annotated[
        str | None, typer.Option("--forces", help="Comma-separated forces (default: all).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Every grade the documents state, force by force, each cited."""
    from rich.table import Table

    from rag.engine.compare import chosen_forces
    from rag.engine.grades import grade_table

    eng = engine(warm=False)  # reads the documents' text: nothing is embedded
    chosen = chosen_forces(eng, forces.split(",")) if forces else None
    table = grade_table(eng, chosen)
    if as_json:
        emit_json(table.to_json())
        return
    if not table.rows:
        out.print("The documents state no grades for these forces.")
        return
    grid = Table("Force", "Area", "Grade", "Sources", show_lines=False, expand=False)
    for row in table.rows:
        refs = " ".join(f"[{c.n}]" for c in row.citations)
        grid.add_row(show(row.force), show(row.area), show(row.grade), escape(refs))
    out.print(grid)
    print_citations([c for row in table.rows for c in row.citations])
