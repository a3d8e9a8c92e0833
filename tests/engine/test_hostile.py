"""Hostile documents (tests/hostile.py) ingested and asked about, offline and in LLM mode
(FAKE server): documents stay fenced data, output carries nothing live, special tokens
crash nothing; and rag.core.safe_text makes any text inert for Markdown and terminals."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from rag.cli.main import app
from rag.core.safe_text import addressed_to_a_model, inert_markdown, terminal_safe
from rag.core.settings import Settings, get_settings, load_settings
from rag.core.tokens import count_tokens
from rag.documents.chunking import chunk_document
from rag.documents.structure import parse_document
from rag.engine.engine import Engine
from rag.index.embeddings import OfflineEmbeddings
from rag.ingest.pipeline import ingest_paths
from tests.support.fake_openai_server import FakeOpenAIServer
from tests.support.hostile import EXFIL_URL, FORCE, HOSTILE_KINDS, TRUE_FINDING, hostile_transcript

QUESTION = "How quickly does Marchshire Police answer emergency calls?"
LIVE_HTML = re.compile(r"<(a|img|script|iframe|h\d|table|strong|em)\b", re.IGNORECASE)
UNSAFE_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
markdown = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory: pytest.TempPathFactory, embeddings: OfflineEmbeddings):
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "marchshire.txt").write_text(hostile_transcript(), encoding="utf-8")
    base = load_settings(
        index_dir=folder / "index", _env_file=None, OPENAI_API_KEY=None, OPENAI_BASE_URL=None
    )
    report = ingest_paths([folder / "marchshire.txt"], base, embeddings=embeddings)
    assert report.documents[0].status == "added" and report.documents[0].force == FORCE
    return base


@pytest.mark.parametrize("kind", list(HOSTILE_KINDS))
def test_no_kind_crashes_parsing_chunking_counting_or_embedding(
    kind: str, embeddings: OfflineEmbeddings
) -> None:
    text = f"HMI Jo Example's assessment of {FORCE} – Transcript\n\n{HOSTILE_KINDS[kind]}\n"
    doc = parse_document(text * 3, f"{kind}.txt")
    chunks = chunk_document(doc, 40, 5)
    assert chunks and all(count_tokens(c.text) == c.token_count <= 40 for c in chunks)
    assert len(embeddings.embed_documents([c.text for c in chunks])) == len(chunks)
    assert not UNSAFE_CHARS.search(doc.text)  # ANSI, bidi, zero-width cleaned at ingest


def test_offline_answers_quote_the_truth_and_print_nothing_live(
    hostile_index: Settings, monkeypatch
) -> None:
    monkeypatch.setenv("RAG_INDEX_DIR", str(hostile_index.index_dir))
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        plain = runner.invoke(app, ["ask", QUESTION, "--mode", "offline"])
        as_json = runner.invoke(app, ["ask", QUESTION, "--mode", "offline", "--json"])
    finally:
        get_settings.cache_clear()
    assert plain.exit_code == 0 and as_json.exit_code == 0, plain.output
    assert "ten seconds" in plain.stdout
    assert not UNSAFE_CHARS.search(plain.output) and "Traceback" not in plain.output
    answer = json.loads(as_json.stdout)
    assert "ten seconds" in answer["answer"]
    assert not LIVE_HTML.search(markdown.render(inert_markdown(answer["answer"])))


def test_offline_answers_and_briefings_never_quote_text_speaking_to_a_model(
    hostile_index: Settings, embeddings: OfflineEmbeddings
) -> None:
    engine = Engine(hostile_index.model_copy(update={"mode": "offline"}), embeddings=embeddings)
    quoted: list[str] = []
    for question in (
        "What does the transcript say about instructions, prompts and grades?",
        "Is the force outstanding?",
        "How was the force graded overall?",
    ):
        quoted += [c.quote for c in engine.ask(question, FORCE).citations]
    briefing = engine.brief(FORCE)
    quoted += [c.quote for c in briefing.citations]
    assert quoted and "emergency calls" in " ".join(quoted)  # the true finding is still heard
    assert not [q for q in quoted if addressed_to_a_model(q)]
    assert "ignore all previous" not in briefing.paragraph.lower()


@pytest.fixture
def llm_settings(hostile_index: Settings) -> Iterator[tuple[FakeOpenAIServer, Settings]]:
    with FakeOpenAIServer() as server:
        yield (
            server,
            hostile_index.model_copy(
                update={
                    "openai_base_url": server.base_url,
                    "chat_model": "fake-chat",
                    "mode": "llm",
                    "llm_timeout_s": 2.0,
                    "llm_max_retries": 0,
                }
            ),
        )


@pytest.mark.server
def test_llm_mode_documents_are_fenced_data_that_cannot_leave_the_fence(
    llm_settings: tuple[FakeOpenAIServer, Settings], embeddings: OfflineEmbeddings
) -> None:
    server, settings_ = llm_settings
    engine = Engine(settings_, embeddings=embeddings)
    server.script(json.dumps({"answer": "x"}))
    engine.ask("What does the transcript say about instructions, prompts and grades?", FORCE)
    system, user = server.chat_requests[0]["messages"]
    for text in HOSTILE_KINDS.values():
        assert text[:25] not in system["content"]  # no document text outside the user turn
    content = user["content"]
    assert content.count("<evidence>") == 1 and content.count("</evidence>") == 1
    inside = content.split("<evidence>")[1].split("</evidence>")[0]
    outside = content.replace(inside, "")
    assert "Ignore all previous" not in outside and "SYSTEM:" not in outside
    lines = inside.strip().splitlines()  # one line per evidence sentence: none forged
    assert [line.split(" ", 1)[0].rstrip(":") for line in lines] == [
        f"E{n}" for n in range(1, len(lines) + 1)
    ]
    # (the engine answered: its own quotes are the evidence, so one line may be all)
    assert len(lines) >= 1 and "<|" not in content and "<history>" not in content


@pytest.mark.server
def test_llm_reply_with_hostile_output_is_printed_inert(
    llm_settings: tuple[FakeOpenAIServer, Settings], monkeypatch
) -> None:
    server, settings_ = llm_settings
    hostile_answer = (  # an escape and a bidi control inside a sentence its evidence holds,
        f"{TRUE_FINDING.rstrip('.')}\x1b[J\u202e [E1]. ![x]({EXFIL_URL}) [E1]. "  # then none
        "<script>alert(1)</script> [click](javascript:alert(1))"
    )
    server.script(json.dumps({"answer": hostile_answer}))
    monkeypatch.setenv("RAG_INDEX_DIR", str(settings_.index_dir))
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("RAG_CHAT_MODEL", "fake-chat")
    monkeypatch.setenv("RAG_LLM_MAX_RETRIES", "0")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["ask", QUESTION, "--mode", "llm"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert "\\x1b[J" in result.stdout  # shown, visibly, not obeyed
    # the sentences no evidence holds are removed before anything is shown
    assert EXFIL_URL not in result.stdout and "<script>" not in result.stdout
    assert "javascript:" not in result.stdout
    shown = server.chat_requests[0]["messages"][1]["content"]
    assert f"E1 ({FORCE}): " in shown


@pytest.mark.parametrize("kind", list(HOSTILE_KINDS))
def test_inert_markdown_renders_each_kind_as_its_own_text(kind: str) -> None:
    text = HOSTILE_KINDS[kind]
    rendered = markdown.render(inert_markdown(text))
    assert not LIVE_HTML.search(rendered), rendered
    assert "javascript:" not in re.findall(r'href="([^"]*)"', rendered)
    visible = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert visible.split() == terminal_safe(text).split()


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200)
    | st.sampled_from(list(HOSTILE_KINDS.values()))
)
def test_inert_markdown_never_makes_anything_live(text: str) -> None:
    rendered = markdown.render(inert_markdown(text))
    assert not LIVE_HTML.search(rendered)
    visible = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert visible.split() == terminal_safe(text).split()


def test_terminal_safe() -> None:
    assert terminal_safe("a\x1b[31mb\u202ec\nd") == "a\\x1b[31mb\\u202ec\nd"
    assert terminal_safe("name\nwith\ttab", one_line=True) == "name\\x0awith\\x09tab"
    assert terminal_safe("Zoë’s report — ünïcödé 警察") == "Zoë’s report — ünïcödé 警察"
