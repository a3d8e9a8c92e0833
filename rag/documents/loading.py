"""Read one file's raw text: plain text, Markdown, HTML or a PDF's text layer.

Every failure is a :class:`RejectedInput` whose one-line message says why and
what to do; the caller prefixes the file name. Nothing is fetched, followed
(links, images, frames) or run (scripts).
"""

from __future__ import annotations

import codecs
import io
import os
import re
import stat
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, WrongPasswordError

from rag.core.errors import RejectedInput
from rag.documents.blocks import Block, blocks_text
from rag.documents.html import html_blocks
from rag.documents.pdf import pdf_blocks
from rag.documents.tables import table_lines

SUPPORTED_SUFFIXES = {".txt", ".md", ".pdf", ".html", ".htm"}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Control characters text files do not contain (tab, newlines, form feed and
# ESC of ANSI colours excepted), plus U+FFFD left by undecodable bytes.
_SUSPICIOUS = re.compile("[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f-\x9f\ufffd]")
_SUSPICIOUS_RATIO = 0.05
_SAMPLE = 65_536
_NO_TEXT = "no readable text after extraction: check that the file holds text"


# Alt text and destination may not contain brackets or parentheses: a linear-time match.
_MD_IMAGE = re.compile(r"!\[([^\[\]]*)\](?:\([^()]*\)|\[[^\[\]]*\])")
_MD_HTML_IMAGE = re.compile(r"<img\b[^<>]*>", re.IGNORECASE)
_MD_ATX_MARKER = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+|$)", re.MULTILINE)
_MD_SETEXT_RULE = re.compile(r"^ {0,3}(?:=+|-{3,})[ \t]*$", re.MULTILINE)
# a pipe table: two or more lines that start and end with "|"
_MD_TABLE = re.compile(r"(?:^[ \t]*\|.*\|[ \t]*(?:\n|$)){2,}", re.MULTILINE)
_MD_RULE_CELL = re.compile(r"^\s*:?-+:?\s*$")  # GitHub's tables allow "|-|-|"
_MD_CELL_BAR = re.compile(r"(?<!\\)\|")  # a cell's own bar is escaped: "\|"


def read_text(path: Path, max_bytes: int) -> str:
    """The document's raw text; raises RejectedInput with the reason and the remedy."""
    loaded = read_document(path, max_bytes)
    return loaded if isinstance(loaded, str) else blocks_text(loaded)


def read_document(path: Path, max_bytes: int) -> str | list[Block]:
    """The document's raw text, or for a PDF or web page its paragraphs with their
    sections (and a PDF's pages); raises RejectedInput with the reason and the remedy."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise RejectedInput(
            f"unsupported file type {suffix or '(no extension)'!r}: save it as one of {kinds}"
        )
    data = _read_bytes(path, max_bytes)
    if suffix == ".pdf":
        return _pdf_blocks(data)  # each page has text (else rejected)
    text = _decode(data)
    _reject_binary(text)
    if suffix in (".html", ".htm"):
        blocks = html_blocks(text)
        if not any(b.text.strip() for b in blocks):
            raise RejectedInput(_NO_TEXT)
        return blocks
    if suffix == ".md":
        text = _markdown_text(text)
    if not text.strip():
        raise RejectedInput(_NO_TEXT)
    return text


def _decode(data: bytes) -> str:
    """Text from bytes: BOM-marked UTF-8/16, BOM-less UTF-16, UTF-8, else cp1252.

    Never raises UnicodeDecodeError; raises RejectedInput for NUL bytes outside UTF-16.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    if b"\x00" in data:
        codec = _bomless_utf16(data)
        if codec is None:
            raise RejectedInput("binary content (NUL bytes), not text: convert it to plain text")
        return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Legacy Windows files (curly quotes as 0x91-0x94); 5 undefined bytes become U+FFFD.
        return data.decode("cp1252", errors="replace")


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    # O_NONBLOCK so a FIFO cannot hang the open; fstat on the open descriptor
    # checks the very file that is then read.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise RejectedInput("file not found (or a broken link): check the path") from None
    except PermissionError:
        raise RejectedInput("permission denied: make the file readable") from None
    except OSError as exc:
        raise RejectedInput(f"cannot open it ({exc.strerror or exc}): check the path") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise RejectedInput("not a regular file: ingest ordinary files only")
    with os.fdopen(fd, "rb") as handle:
        _check_size(info.st_size, max_bytes)
        try:
            data = handle.read(max_bytes + 1)  # +1: notice a file that grew since fstat
        except OSError as exc:
            raise RejectedInput(f"cannot read it ({exc.strerror or exc}): check the file") from None
    _check_size(len(data), max_bytes)
    if not data:
        raise RejectedInput("empty file: nothing to ingest")
    return data


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise RejectedInput(
            f"too large ({size:,} bytes, limit {max_bytes:,}): split it or raise RAG_MAX_FILE_MB"
        )


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 saved without a BOM has NULs in the high byte of (mostly ASCII) characters."""
    sample = data[:4096]
    if len(data) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd >= 0.6 * half and even * 10 <= odd:
        return "utf-16-le"
    if even >= 0.6 * half and odd * 10 <= even:
        return "utf-16-be"
    return None


def _reject_binary(text: str) -> None:
    sample = text[:_SAMPLE]
    if len(_SUSPICIOUS.findall(sample)) > _SUSPICIOUS_RATIO * len(sample):
        raise RejectedInput("binary content, not text (an image or archive renamed?): convert it")


def _pdf_blocks(data: bytes) -> list[Block]:
    if b"%PDF-" not in data[:1024]:
        raise RejectedInput("not a PDF (no %PDF- header): check the file or fix its extension")
    # Readers look for %%EOF in the last 1024 bytes; without it the file was cut short.
    if b"%%EOF" not in data[-1024:]:
        raise RejectedInput("truncated PDF (no end-of-file marker): download or export it again")
    encrypted = "encrypted PDF that needs a password: save an unprotected copy and ingest that"
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise RejectedInput(encrypted)
        pages = [page.extract_text() or "" for page in reader.pages]
    except RejectedInput:
        raise
    except (FileNotDecryptedError, WrongPasswordError):
        raise RejectedInput(encrypted) from None
    except DependencyError:
        raise RejectedInput(
            "PDF encrypted with AES (needs the 'cryptography' package): "
            "save an unprotected copy and ingest that"
        ) from None
    except Exception as exc:  # pypdf raises many exception types on malformed files
        raise RejectedInput(
            f"corrupt PDF ({type(exc).__name__}): open and re-save it, or export it again"
        ) from None
    if not any(page.strip() for page in pages):
        raise RejectedInput("PDF has no text layer (scanned?): run OCR first, e.g. ocrmypdf")
    try:
        blocks = pdf_blocks(data)
    except Exception:  # pdfminer chokes on some files pypdf reads: their pages, unstructured
        blocks = []
    if not any(b.text.strip() for b in blocks):
        blocks = [Block(text, page) for page, text in enumerate(pages, start=1) if text.strip()]
    return blocks


def _markdown_text(text: str) -> str:
    # Images keep only their alt text, so no remote URL survives to be fetched; an
    # image the pattern cannot take apart loses its "!" and is at most a link.
    text = _MD_IMAGE.sub(r"\1", text).replace("![", "[")
    text = _MD_HTML_IMAGE.sub("", text)
    text = _MD_ATX_MARKER.sub("", text)
    text = _MD_TABLE.sub(_md_table, text)
    return _MD_SETEXT_RULE.sub("", text)


def _md_table(match: re.Match[str]) -> str:
    """A pipe table as one line per row ("2: Provide the charge rate; Owner ...; Due
    24 March"), as an HTML or PDF table is read: never a run of cells and rules."""
    rows = [
        [c.replace("\\|", "|") for c in _MD_CELL_BAR.split(_row_inside(line))]
        for line in match.group(0).strip().splitlines()
    ]
    header = len(rows) > 1 and all(_MD_RULE_CELL.match(c) for c in rows[1])
    rows = [r for r in rows if not all(_MD_RULE_CELL.match(c) for c in r)]
    return "\n\n" + "\n\n".join(table_lines(rows, header)) + "\n\n"


def _row_inside(line: str) -> str:
    """A row without its outer bars (a last cell ending in an escaped bar keeps it)."""
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    return line[:-1] if line.endswith("|") and not line.endswith("\\|") else line
