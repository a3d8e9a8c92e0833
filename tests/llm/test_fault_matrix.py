"""The model-service fault matrix: each fault injected by the FAKE OpenAI-compatible server
(tests/support/fake_openai_server.py) on real HTTP, through the real openai client and the engine.

Every row checks: bounded requests (1 + RAG_LLM_MAX_RETRIES at most), bounded total time,
a clear one-line notice naming the cause, the offline answer as the fallback, partial
answers marked partial, and nothing failed or partial is cacheable (``is_cacheable``);
the audit log records what was shown. Test ids read as the matrix.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from rag.core.settings import Settings, load_settings
from rag.core.tokens import count_tokens
from rag.core.types import CANNOT_ANSWER, Answer, is_cacheable
from rag.engine.engine import Engine
from rag.index.embeddings import OfflineEmbeddings
from rag.ingest.pipeline import ingest_paths
from rag.llm.chain import answer_prompt
from tests.support import FICTIONAL, SHIPPED, free_port
from tests.support.fake_openai_server import FakeOpenAIServer, FakeReply

QUESTION = "What did the inspector say about integrity and corruption?"
FORCE = "Cambridgeshire Constabulary"
RETRIES = 2


@pytest.fixture(scope="module")
def index_settings(tmp_path_factory: pytest.TempPathFactory, embeddings: OfflineEmbeddings):
    folder = tmp_path_factory.mktemp("faults")
    for path in [SHIPPED, *sorted(FICTIONAL.glob("*.txt"))]:
        shutil.copy(path, folder / path.name)
    settings = load_settings(
        index_dir=folder / "index", _env_file=None, OPENAI_API_KEY=None, OPENAI_BASE_URL=None
    )
    ingest_paths([folder], settings, embeddings=embeddings)
    return settings


@pytest.fixture(scope="module")
def offline(index_settings: Settings, embeddings: OfflineEmbeddings) -> Answer:
    return Engine(index_settings, embeddings=embeddings).ask(QUESTION, FORCE, mode="offline")


@pytest.fixture(scope="module")
def real_quote(index_settings: Settings, embeddings: OfflineEmbeddings, offline: Answer) -> str:
    """The first evidence sentence the model will be shown (id E1)."""
    engine = Engine(index_settings, embeddings=embeddings)
    evidence = engine.gather(QUESTION, FORCE)
    shown = answer_prompt(QUESTION, [], evidence, offline.citations, index_settings)
    return shown["items"][0].text


def reply(answer: str) -> str:
    return json.dumps({"answer": answer})


@dataclass
class Fault:
    replies: Callable[[str], list[FakeReply]]  # given a real quote of S1
    notice: str | None  # in the notice; None: no fallback expected
    max_requests: int
    max_seconds: float
    min_seconds: float = 0.0
    overrides: dict[str, object] | None = None
    refused: bool = False  # point the client at a closed port
    question: str = QUESTION


ERR = {"retry-after-ms": "10"}
MATRIX: dict[str, Fault] = {
    "429-retry-after-1s": Fault(
        lambda q: [FakeReply(status=429, headers={"Retry-After": "1"})] * 3,
        "HTTP 429",
        1 + RETRIES,
        3.0 + 2,
        min_seconds=1.9,  # waited as told, twice, within the deadline
        overrides={"llm_timeout_s": 3.0},
    ),
    "429-retry-after-past-the-deadline": Fault(
        lambda q: [FakeReply(status=429, headers={"Retry-After": "5"})] * 3,
        "HTTP 429",
        1,  # a wait the deadline cannot hold is not started: the offline answer at once
        1.0,
    ),
    "500": Fault(lambda q: [FakeReply(status=500, headers=ERR)] * 3, "HTTP 500", 3, 3.0),
    "503": Fault(lambda q: [FakeReply(status=503, headers=ERR)] * 3, "HTTP 503", 3, 3.0),
    "connection-refused": Fault(lambda q: [], "could not be reached", 0, 6.0, refused=True),
    "slow-server-timeout": Fault(
        lambda q: [FakeReply(reply("x"), delay_s=5)] * 3,
        "timed out after 0.3 s",
        1,  # the deadline is spent: a timeout is not retried
        0.3 + 2,  # the offline answer within the deadline plus 2 s (issue 14)
        overrides={"llm_timeout_s": 0.3},
    ),
    "reply-not-json": Fault(
        lambda q: [FakeReply("Sure! The force is doing fine on integrity.")],
        "could not be checked",
        1,
        3.0,
    ),
    "citation-to-unknown-evidence": Fault(
        # a claim no shown line supports, cited to an id never shown (a quote cited to E9
        # is cited to its own line instead: tests/llm/test_chain.py)
        lambda q: [FakeReply(reply("Integrity checks rose by 12 per cent [E9]."))],
        "could not be checked",
        1,
        3.0,
    ),
    "claim-its-evidence-does-not-hold": Fault(
        lambda q: [FakeReply(reply("The force recorded 14 fraud victims last year [E1]."))],
        "could not be checked",
        1,
        3.0,
    ),
    "reply-cut-at-max-tokens": Fault(
        lambda q: [
            FakeReply(
                reply(f"{q} [E1]. Then the answer goes on and on, until the limit")[:-12],
                finish_reason="length",
            )
        ],
        None,
        1,
        3.0,
    ),
    "question-overflows-window": Fault(
        lambda q: [],
        "ask a shorter question",
        0,
        10.0,
        # within RAG_MAX_QUESTION_CHARS, but past a small model's window
        overrides={"context_window": 512, "answer_tokens": 280},
        question=QUESTION + " and " + "integrity " * 180,
    ),
}


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        yield fake


def llm_engine(base: Settings, url: str, embeddings: OfflineEmbeddings, **extra: object) -> Engine:
    settings = base.model_copy(
        update={
            "openai_base_url": url,
            "chat_model": "fake-chat",
            "mode": "llm",
            "llm_timeout_s": 2.0,
            "llm_max_retries": RETRIES,
            **extra,
        }
    )
    return Engine(settings, embeddings=embeddings)


@pytest.mark.server
@pytest.mark.parametrize("fault", list(MATRIX), ids=list(MATRIX))
def test_fault(
    fault: str,
    server: FakeOpenAIServer,
    index_settings: Settings,
    embeddings: OfflineEmbeddings,
    offline: Answer,
    real_quote: str,
) -> None:
    case = MATRIX[fault]
    url = f"http://127.0.0.1:{free_port()}/v1" if case.refused else server.base_url
    engine = llm_engine(index_settings, url, embeddings, **(case.overrides or {}))
    server.script(*case.replies(real_quote))
    started = time.monotonic()
    answer = engine.ask(case.question, FORCE)
    elapsed = time.monotonic() - started

    assert len(server.chat_requests) <= case.max_requests
    assert case.min_seconds <= elapsed < case.max_seconds, elapsed
    assert not is_cacheable(answer)
    event = engine.audit.recent(1)[0]
    logged = json.loads(event["result"])
    assert (logged["partial"], logged["notice"]) == (answer.partial, answer.notice)
    if case.notice is None:  # kept, verified, and marked partial
        assert answer.mode == "llm" and answer.partial and answer.citations
        assert real_quote.startswith(answer.citations[0].quote)  # what arrived, verified
        return
    notice = answer.notice or ""
    assert case.notice in notice and "\n" not in notice and "offline answer" in notice
    # the fallback is the offline answer itself, citations and all
    assert answer.mode == "offline" and answer.answer == offline.answer
    assert [c.quote for c in answer.citations] == [c.quote for c in offline.citations]
    assert answer.partial is False


@pytest.mark.server
@pytest.mark.parametrize("cut", ["early", "late"])
def test_fault_stream_breaks_half_way(
    cut: str,
    server: FakeOpenAIServer,
    index_settings: Settings,
    embeddings: OfflineEmbeddings,
    offline: Answer,
    real_quote: str,
) -> None:
    """What the app streams: a broken stream gives a partial answer, never cacheable;
    cut before any citation arrived, the offline answer is shown instead."""
    engine = llm_engine(index_settings, server.base_url, embeddings)
    text = reply(f"{real_quote} [E1]. And more words follow here.")
    chunks = len(text) // 10
    server.script(
        FakeReply(text, chunk_chars=10, cut_after_chunks=3 if cut == "early" else chunks - 1)
    )
    shown: list[str] = []
    answer = engine.ask(QUESTION, FORCE, on_text=shown.append)
    assert len(server.chat_requests) == 1 and shown
    assert not is_cacheable(answer)
    if cut == "early":
        assert answer.mode == "offline" and answer.answer == offline.answer and answer.notice
    else:
        assert answer.mode == "llm" and answer.partial and len(answer.citations) == 1
        assert answer.citations[0].quote == real_quote


@pytest.mark.server
def test_fault_context_overflow_passages_are_trimmed_to_the_window(
    server: FakeOpenAIServer, index_settings: Settings, embeddings: OfflineEmbeddings
) -> None:
    engine = llm_engine(
        index_settings, server.base_url, embeddings, context_window=700, answer_tokens=200
    )
    server.script(CANNOT_ANSWER)
    answer = engine.ask("Which forces are good at tackling crime?")  # many passages
    (body,) = server.chat_requests
    sent = sum(count_tokens(m["content"]) + 4 for m in body["messages"]) + 4
    assert sent <= 700 - 200
    assert re.search(r"^E1 ", body["messages"][1]["content"], re.MULTILINE)
    # shown the engine's own quotes, a refusal gives the engine's answer, not cached
    assert not answer.abstained and answer.mode == "offline" and not is_cacheable(answer)


def test_is_cacheable() -> None:
    base = Answer(question="q", answer="a", abstained=False, mode="llm")
    assert is_cacheable(base)
    assert not is_cacheable(base.model_copy(update={"partial": True}))
    assert not is_cacheable(base.model_copy(update={"notice": "model failed", "mode": "offline"}))


def test_matrix_covers_the_issue() -> None:
    issue = {"429", "500", "503", "refused", "slow", "not-json", "unknown-evidence", "overflows"}
    assert all(any(word in name for name in MATRIX) for word in issue)


@pytest.mark.server
def test_fault_slow_server_while_streaming_falls_back_within_the_deadline(
    server: FakeOpenAIServer,
    index_settings: Settings,
    embeddings: OfflineEmbeddings,
    offline: Answer,
) -> None:
    """The app's path (the chain's stream): the same one deadline, the same fallback."""
    engine = llm_engine(index_settings, server.base_url, embeddings, llm_timeout_s=0.3)
    server.script(*[FakeReply(reply("x"), delay_s=5)] * 3)
    shown: list[str] = []
    started = time.monotonic()
    answer = engine.ask(QUESTION, FORCE, on_text=shown.append)
    elapsed = time.monotonic() - started
    assert elapsed < 0.3 + 2 and len(server.chat_requests) == 1 and shown == []
    assert answer.mode == "offline" and answer.answer == offline.answer
    assert "timed out after 0.3 s" in (answer.notice or "") and not is_cacheable(answer)
