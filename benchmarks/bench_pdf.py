"""Ingest of a 100-page PEEL-style PDF (running header, page-number footer, headings,
tables, paragraphs run on over page breaks), into a fresh index.

Run: ``make bench`` (all benchmarks) or ``.venv/bin/python benchmarks/bench_pdf.py``.
The report is built by tests/support/pdf_report.py (fpdf2). Figures: the whole
ingest (read, parse, chunk, embed, store) with the model already loaded; reading
the layout alone (pdfminer.six); pypdf's plain page text on the same file (what
ingest read before pages and sections); chunks. Writes benchmarks/results/pdf.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pypdf import PdfReader  # noqa: E402

from benchmarks.common import print_targets, target, write_results  # noqa: E402
from rag.core.settings import load_settings  # noqa: E402
from rag.documents.loading import read_document  # noqa: E402
from rag.index.embeddings import OfflineEmbeddings  # noqa: E402
from rag.ingest.pipeline import ingest_paths  # noqa: E402
from tests.support.pdf_report import build_report  # noqa: E402

FILLER_PAGES_PER_PAGE = 1.25  # filler sections per page of the built report (3 paragraphs each)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test")
    args = parser.parse_args()
    if args.quick:
        args.pages = 5
    with tempfile.TemporaryDirectory(prefix="rag-bench-pdf-") as tmp:
        folder = Path(tmp, "corpus")
        folder.mkdir()
        path, _ = build_report(
            folder / "long-report-fictional.pdf", int(args.pages * FILLER_PAGES_PER_PAGE)
        )
        pages = len(PdfReader(path).pages)
        started = time.perf_counter()
        [page.extract_text() for page in PdfReader(path).pages]
        pypdf_s = time.perf_counter() - started
        started = time.perf_counter()
        read_document(path, max_bytes=50 * 1024 * 1024)
        layout_s = time.perf_counter() - started

        settings = load_settings(index_dir=Path(tmp, "index"), _env_file=None)
        model = OfflineEmbeddings(batch_size=settings.embed_batch_size)
        model.embed_documents(["warm up the model", "and its session"])
        started = time.perf_counter()
        report = ingest_paths([path], settings, embeddings=model)
        ingest_s = time.perf_counter() - started
        assert [d.status for d in report.documents] == ["added"], report.documents

    results = {
        "quick": args.quick,
        "pages": pages,
        "chunks": report.embedded_chunks,
        "ingest_s": round(ingest_s, 2),
        "layout_read_s": round(layout_s, 2),
        "pypdf_text_s": round(pypdf_s, 2),
        "targets": [target(f"ingest of a {pages}-page PDF", round(ingest_s, 2), "<=", 30, "s")],
    }
    path = write_results("pdf", results)
    print(
        f"{pages} pages, {report.embedded_chunks} chunks: ingest {ingest_s:.1f} s "
        f"(layout read {layout_s:.1f} s; pypdf's plain text {pypdf_s:.1f} s)"
    )
    print(f"wrote {path}")
    print_targets(results["targets"])


if __name__ == "__main__":
    main()
