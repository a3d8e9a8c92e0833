"""The Library page: upload and ingest documents, see each file's result, list and remove."""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import streamlit as st

from rag.app import resources
from rag.app.reader import FOCUS_KEY, Focus, focus_page, pages, quote_span, reader_lines
from rag.core.safe_text import highlighted, inert_markdown
from rag.documents.loading import SUPPORTED_SUFFIXES
from rag.ingest.discovery import IngestReport
from rag.ingest.removal import remove_sources

UPLOAD_PREFIX = "uploads/"
_UNSAFE = re.compile(r"[^\w.() \-]+")


def upload_name(name: str) -> str:
    """A safe source name for an uploaded file: its base name only (no ``../``), no
    control or shell characters, never empty."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = _UNSAFE.sub("_", base).strip(" .") or "upload"
    suffix = Path(base).suffix[:10]  # a long name is cut, its file type kept
    return UPLOAD_PREFIX + base[: 120 - len(suffix)].removesuffix(suffix) + suffix


def unique_name(source: str, taken: set[str]) -> str:
    """``source``, or ``stem (2).ext`` and so on when this batch already uses it (two
    uploads must never overwrite each other unseen)."""
    path = Path(source)
    candidate, n = source, 1
    while candidate in taken:
        n += 1
        candidate = str(path.with_name(f"{path.stem} ({n}){path.suffix}"))
    taken.add(candidate)
    return candidate


def ingest_uploads(files: Sequence[tuple[str, bytes]]) -> IngestReport:
    """Ingest uploaded (name, bytes) pairs; each keeps its own name as its source."""
    with tempfile.TemporaryDirectory(prefix="rag-upload-") as tmp:
        paths: list[Path] = []
        names: dict[Path, str] = {}
        taken: set[str] = set()
        for i, (name, data) in enumerate(files):
            source = unique_name(upload_name(name), taken)
            path = Path(tmp, f"{i:05d}{Path(source).suffix.lower()}")
            path.write_bytes(data)
            paths.append(path)
            names[path] = source
        return resources.ingest_files(paths, names, label="Ingesting uploads")


def report_table(report: IngestReport) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "File": d.source,
                "Result": d.status,
                "Force": d.force or "",
                "Passages": d.chunks,
                "Reason": d.error or d.note or "",
            }
            for d in report.documents
        ],
        columns=["File", "Result", "Force", "Passages", "Reason"],
    )


def upload_section() -> None:
    settings = resources.settings()
    st.subheader("Add documents")
    st.caption(
        "Documents added here are shared with everyone who uses this app. An upload with "
        "the same name as an earlier upload replaces it (its result says “updated”)."
    )
    with st.form("upload", clear_on_submit=True):
        files = st.file_uploader(
            f"Transcripts or reports ({', '.join(sorted(SUPPORTED_SUFFIXES))}), "
            f"up to {settings.max_file_mb:g} MB each",
            type=sorted(s.lstrip(".") for s in SUPPORTED_SUFFIXES),
            accept_multiple_files=True,
        )
        submitted = st.form_submit_button("Ingest", type="primary", icon=":material/upload:")
    if submitted and not files:
        st.warning("Choose one or more files to ingest first.")
    elif submitted:
        with resources.friendly("Ingesting"):
            report = ingest_uploads([(f.name, f.getvalue()) for f in files])
        st.session_state["last_ingest"] = report
    report = st.session_state.get("last_ingest")
    if report is not None:
        counts = {
            s: sum(d.status == s for d in report.documents)
            for s in ("added", "updated", "unchanged", "rejected")
        }
        rejected = counts["rejected"]
        summary = f"{len(report.documents) - rejected} file(s) ingested ({counts['added']} "
        summary += f"added, {counts['updated']} updated, {counts['unchanged']} unchanged)"
        if rejected:
            st.warning(f"{summary}, {rejected} rejected:")
            for d in report.documents:
                if d.status == "rejected":  # one clear line per file: which, why, what to do
                    st.error(inert_markdown(f"{d.source}: {d.error}"), icon=":material/block:")
        else:
            st.success(f"{summary}; {report.embedded_chunks} passages embedded.")
        st.dataframe(report_table(report), hide_index=True, width="stretch")


def documents_section() -> None:
    engine = resources.engine()
    st.subheader("Documents in the index")
    records = engine.store.documents()
    if not records:
        st.info("The index is empty: upload documents above.")
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Source": r.source,
                    "Force": r.force or "",
                    "Inspector": r.inspector or "",
                    "Passages": r.chunks,
                    "Ingested": r.ingested_at,
                }
                for r in records
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    with st.form("remove"):
        chosen = st.multiselect("Remove documents", [r.source for r in records])
        confirm = st.checkbox("Yes, remove them from the index")
        remove = st.form_submit_button("Remove", icon=":material/delete:")
    if remove and chosen:
        if not confirm:
            st.warning("Tick the box to confirm the removal.")
            return
        with resources.friendly("Removing"), resources.write_lock():
            results = remove_sources(chosen, resources.settings())
        engine.searcher.refresh()
        st.session_state["removed"] = (
            [r.source for r in results if not isinstance(r, Exception)],
            [str(r) for r in results if isinstance(r, Exception)],
        )
        st.rerun()
    if outcome := st.session_state.pop("removed", None):
        removed, problems = outcome
        if removed:
            st.success(inert_markdown(f"Removed: {', '.join(removed)}"))
        for problem in problems:  # e.g. another user removed it first
            st.warning(inert_markdown(f"Not removed: {problem}"))


def reader_section() -> None:
    """Read a document as stored: a PDF page by page, every paragraph under its section
    and numbered as citations number it; a quote opened from an answer is highlighted."""
    engine = resources.engine()
    sources = [r.source for r in engine.store.documents()]
    if not sources:
        return
    st.subheader("Read a document")
    focus: Focus | None = st.session_state.get(FOCUS_KEY)
    at = sources.index(focus.source) if focus and focus.source in sources else None
    source = st.selectbox("Document", sources, index=at, placeholder="Choose a document")
    record = engine.store.document(source, with_text=True) if source else None
    if record is None:
        return
    if focus and focus.source != source:
        focus = None
    st.caption(inert_markdown(f"{record.force or 'No force named'} · {record.title or source}"))
    page = None
    if numbers := pages(record):
        cited = focus_page(record, focus)
        page = st.selectbox(
            "Page",
            numbers,
            index=numbers.index(cited) if cited in numbers else 0,
            format_func=lambda n: f"Page {n} of {numbers[-1]}",
        )
    if focus and quote_span(record, focus) is None:
        st.caption("The cited quote is not in the current text of this document.")
    elif focus:
        where = f"on page {focus_page(record, focus)}" if page is not None else "below"
        st.caption(f"The cited quote is highlighted {where}.")
    with st.container(height=500, border=True):
        for line in reader_lines(record, focus, page):
            if line.kind == "page":
                st.markdown(f"**{inert_markdown(line.text)}**")
            elif line.kind == "section":
                st.caption(inert_markdown(line.text))
            else:
                st.markdown(f"**¶{line.number}** {highlighted(line.text, line.span)}")


def render() -> None:
    st.title("Library")
    upload_section()
    documents_section()
    reader_section()
