"""The answer chain (``rag.build_answer_chain``) on a real index of the evaluation corpus,
answered by LangChain's FAKE chat models (and, for faults, the real openai client against
the FAKE OpenAI-compatible server): the evidence-id protocol, the support check, the
fallbacks, and invoke / batch / stream / async with callbacks passing through."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.prompts import ChatPromptTemplate

import rag
from rag.core.settings import Settings, load_settings
from rag.core.types import CANNOT_ANSWER, Answer, is_cacheable
from rag.engine.engine import Engine
from rag.index.embeddings import OfflineEmbeddings
from rag.ingest.pipeline import ingest_paths
from rag.retrieve.retriever import EvidenceRetriever
from tests.support import copy_corpus, free_port
from tests.support.fake_openai_server import FakeOpenAIServer, FakeReply

CAMBS = "Cambridgeshire Constabulary"
INTEGRITY = "What did the inspector say about integrity and corruption?"
GOOD_AT = "What is the force good at?"  # the engine answers with two quotes
LINE = re.compile(r"^(E\d+)(?: \(([^)]*)\))?: (.*)$", re.MULTILINE)


class PromptedFake(GenericFakeChatModel):
    """A FAKE chat model whose reply is a function of the evidence lines it was shown
    ({"E1": sentence, ...}); it keeps every prompt it was sent."""

    write: Callable[[dict[str, str]], str]
    sent: list[list[BaseMessage]] = []

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):  # type: ignore[override]
        self.sent.append(messages)
        shown = {m.group(1): m.group(3) for m in LINE.finditer(str(messages[-1].content))}
        message = AIMessage(self.write(shown))
        return ChatResult(generations=[ChatGeneration(message=message)])


def fake(write: Callable[[dict[str, str]], str]) -> PromptedFake:
    return PromptedFake(messages=iter([]), write=write, sent=[])


def answer(text: str) -> str:
    return json.dumps({"answer": text})


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, embeddings: OfflineEmbeddings) -> Settings:
    folder = copy_corpus(tmp_path_factory.mktemp("chain") / "docs")
    base = load_settings(
        index_dir=folder.parent / "index", _env_file=None, OPENAI_API_KEY=None, OPENAI_BASE_URL=None
    )
    ingest_paths([folder], base, embeddings=embeddings)
    return base.model_copy(update={"openai_base_url": "http://127.0.0.1:9/v1", "mode": "llm"})


@pytest.fixture(scope="module")
def engine(index: Settings, embeddings: OfflineEmbeddings) -> Engine:
    return Engine(index, embeddings=embeddings)


def chain_with(engine: Engine, model: Any) -> Any:
    return Engine(engine.settings, embeddings=engine.embeddings, chat_model=model).answer_chain()


def ask(engine: Engine, model: Any, question: str = INTEGRITY, **extra: Any) -> Answer:
    return chain_with(engine, model).invoke(
        {"question": question, "force": extra.pop("force", CAMBS), "history": [], **extra}
    )


def test_cited_evidence_is_the_quote_verbatim_and_markers_are_renumbered(engine: Engine) -> None:
    model = fake(lambda e: answer(f"{e['E2']} [E2]. {e['E1']} [E1][E2]."))
    result = ask(engine, model, GOOD_AT)
    assert result.mode == "llm" and not result.abstained and result.notice is None
    assert [c.n for c in result.citations] == [1, 2]
    shown = {m.group(1): m.group(3) for m in LINE.finditer(str(model.sent[0][-1].content))}
    assert [c.quote for c in result.citations] == [shown["E2"], shown["E1"]]
    assert result.answer.endswith("[2] [1].") and " [1]." in result.answer
    for citation in result.citations:  # exact by construction: the document holds the quote
        record = engine.store.document(citation.source, with_text=True)
        assert record is not None and citation.char_start is not None
        start = citation.char_start
        assert record.text[start : start + len(citation.quote)] == citation.quote
    assert result.unsupported_sentences == 0 and result.dropped_citations == 0


def test_unsupported_sentences_are_removed_and_counted(engine: Engine) -> None:
    invented = "The force recorded 14 fraud victims last year [E1]."
    wrong_grade = "The overall grade is outstanding [E1]."
    model = fake(lambda e: answer(f"{e['E1']} [E1]. {invented} {wrong_grade} Uncited words."))
    result = ask(engine, model)
    assert result.mode == "llm" and len(result.citations) == 1
    assert "14" not in result.answer and "outstanding" not in result.answer
    assert "Uncited" not in result.answer
    assert result.unsupported_sentences == 3 and result.dropped_citations == 2


def test_a_negation_the_model_reversed_is_removed(engine: Engine) -> None:
    def reverse(e: dict[str, str]) -> str:
        concern = next(s for s in e.values() if s.startswith("I am concerned"))
        key = next(k for k, s in e.items() if s == concern)
        return answer(f"{concern.replace('I am concerned', 'I am not concerned')} [{key}].")

    result = ask(engine, fake(reverse))
    assert result.mode == "offline" and result.unsupported_sentences == 1
    assert "could not be checked" in (result.notice or "")


def test_nothing_supported_gives_the_offline_answer_with_a_notice(engine: Engine) -> None:
    offline = engine.ask(INTEGRITY, CAMBS, mode="offline")
    model = fake(lambda e: answer("Crime fell by 40 per cent [E9]. All is well [E1]."))
    result = ask(engine, model)
    assert result.mode == "offline" and result.answer == offline.answer
    assert [c.quote for c in result.citations] == [c.quote for c in offline.citations]
    assert "could not be checked" in (result.notice or "") and not is_cacheable(result)
    assert result.unsupported_sentences == 2 and result.dropped_citations == 2


def test_the_example_text_copied_from_the_prompt_is_not_an_answer(engine: Engine) -> None:
    result = ask(engine, fake(lambda e: '{"answer": "..."}'))
    assert result.mode == "offline" and result.notice


@pytest.mark.parametrize("reply", ['{"E1": "a reply without an answer"}', "", '{"answer": ""}'])
def test_a_reply_without_answer_text_is_no_refusal(engine: Engine, reply: str) -> None:
    offline = engine.ask(INTEGRITY, CAMBS, mode="offline")
    result = ask(engine, fake(lambda e: reply))
    assert result.mode == "offline" and result.answer == offline.answer
    assert "no answer text" in (result.notice or "")


def test_a_refusal_of_the_engines_own_quotes_shows_the_engines_answer(engine: Engine) -> None:
    """Where the engine answered, the model is shown its quotes with no way out; a model
    that refuses anyway does not hide a verified answer."""
    offline = engine.ask(INTEGRITY, CAMBS, mode="offline")
    model = fake(lambda e: answer(CANNOT_ANSWER))
    result = ask(engine, model)
    assert result.mode == "offline" and result.answer == offline.answer
    assert "no answer from the quotes" in (result.notice or "")
    system = str(model.sent[0][0].content)
    assert CANNOT_ANSWER not in system and "exactly" not in system
    shown = LINE.findall(str(model.sent[0][-1].content))
    assert [line[2] for line in shown] == [c.quote for c in offline.citations]


@pytest.mark.parametrize("reply", ["[1]", "E1", '{"answer": [1, 2]}', "[E1]."])
def test_a_reply_of_ids_alone_gives_the_offline_answer_saying_so(
    engine: Engine, reply: str
) -> None:
    offline = engine.ask(INTEGRITY, CAMBS, mode="offline")
    result = ask(engine, fake(lambda e: reply))
    assert result.mode == "offline" and result.answer == offline.answer
    assert "evidence ids and no sentence" in (result.notice or "")


def test_where_nothing_answers_the_model_is_given_the_way_out(engine: Engine) -> None:
    question = "What is the chief constable's salary?"
    model = fake(lambda e: answer(CANNOT_ANSWER))
    result = ask(engine, model, question)
    assert result.abstained and result.mode == "llm" and result.citations == []
    assert f"reply exactly: {CANNOT_ANSWER}" in str(model.sent[0][0].content)


def test_a_sentence_without_its_id_is_cited_to_the_evidence_that_supports_it(
    engine: Engine,
) -> None:
    """Small models copy or restate a line and leave out its id, or give a wrong one: the
    sentence is cited to the one shown sentence that supports it, still checked in full."""
    model = fake(lambda e: f"{e['E1']} Crime fell by 40 per cent. {e['E1']} [E7].")
    result = ask(engine, model)
    assert result.mode == "llm" and len(result.citations) == 1 and "40" not in result.answer
    shown = LINE.findall(str(model.sent[0][-1].content))
    assert result.citations[0].quote == shown[0][2]
    assert result.unsupported_sentences == 1 and result.dropped_citations == 1
    assert result.answer.count(" [1].") == 2


def test_where_the_offline_engine_abstains_the_model_may_only_agree(engine: Engine) -> None:
    question = "What is the chief constable's salary?"
    offline = engine.ask(question, CAMBS, mode="offline")
    assert offline.abstained
    result = ask(engine, fake(lambda e: answer(f"{e['E1']} [E1].")), question)
    assert result.abstained and result.mode == "offline"
    assert "does not answer the question" in (result.notice or "")
    agrees = ask(engine, fake(lambda e: answer(CANNOT_ANSWER)), question)
    assert agrees.abstained and agrees.mode == "llm" and agrees.notice is None


def test_no_evidence_means_no_model_call(engine: Engine) -> None:
    model = fake(lambda e: pytest.fail("the model was asked"))
    result = ask(engine, model, force="Atlantis Constabulary")  # not indexed
    assert result.abstained and result.mode == "offline" and model.sent == []


def test_a_model_failure_falls_back_through_with_fallbacks(engine: Engine) -> None:
    with FakeOpenAIServer() as server:
        server.script(*[FakeReply(status=500, headers={"retry-after-ms": "10"})] * 3)
        settings_ = engine.settings.model_copy(
            update={"openai_base_url": server.base_url, "llm_max_retries": 2}
        )
        chain = Engine(settings_, embeddings=engine.embeddings).answer_chain()
        result = chain.invoke({"question": INTEGRITY, "force": CAMBS, "history": []})
        assert len(server.chat_requests) == 3
    assert result.mode == "offline" and "HTTP 500" in (result.notice or "")
    assert "offline answer" in (result.notice or "") and result.citations


def test_stream_gives_text_as_it_arrives_then_the_answer(engine: Engine) -> None:
    model = fake(lambda e: answer(f"{e['E1']} [E1]."))
    chain = chain_with(engine, model)
    items = list(chain.stream({"question": INTEGRITY, "force": CAMBS, "history": []}))
    *deltas, final = items
    assert len(deltas) > 3 and all(isinstance(d, str) for d in deltas)
    assert isinstance(final, Answer) and final.mode == "llm"
    assert "".join(deltas).startswith(final.citations[0].quote[:20])
    assert final.answer == ask(engine, model).answer


def test_batch_and_async_forms(engine: Engine) -> None:
    model = fake(lambda e: answer(f"{e['E1']} [E1]."))
    chain = chain_with(engine, model)
    requests = [
        {"question": INTEGRITY, "force": CAMBS, "history": []},
        {
            "question": "How does the force support victims of domestic abuse?",
            "force": CAMBS,
            "history": [],
        },
    ]
    batch = chain.batch(requests)
    assert [a.mode for a in batch] == ["llm", "llm"] and batch[0].answer != batch[1].answer

    async def both() -> tuple[Answer, list[Any]]:
        one = await chain.ainvoke(requests[0])
        streamed = [item async for item in chain.astream(requests[1])]
        return one, streamed

    one, streamed = asyncio.run(both())
    assert one.answer == batch[0].answer
    assert isinstance(streamed[-1], Answer) and streamed[-1].answer == batch[1].answer
    assert len(streamed) > 3 and all(isinstance(d, str) for d in streamed[:-1])


class Events(BaseCallbackHandler):
    def __init__(self) -> None:
        self.seen: list[str] = []

    def on_retriever_start(self, serialized: Any, query: str, **kwargs: Any) -> None:
        self.seen.append("retriever")

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.seen.append("chat_model")

    def on_chain_end(self, outputs: Any, **kwargs: Any) -> None:
        if isinstance(outputs, Answer):
            self.seen.append("answer")


def test_callbacks_pass_through_to_the_retriever_and_the_model(engine: Engine) -> None:
    events = Events()
    chain = chain_with(engine, fake(lambda e: answer(f"{e['E1']} [E1].")))
    chain.invoke({"question": INTEGRITY, "force": CAMBS, "history": []}, {"callbacks": [events]})
    assert {"retriever", "chat_model", "answer"} <= set(events.seen)


def test_it_is_built_from_langchain_parts(engine: Engine) -> None:
    chain = chain_with(engine, fake(lambda e: answer("x")))
    graph = chain.get_graph()
    names = {node.name for node in graph.nodes.values()}
    assert "RunnableWithFallbacks" in names or any("Fallback" in n for n in names)
    from rag.llm import chain as module

    assert isinstance(module.shipped_prompt("answer"), ChatPromptTemplate)
    assert issubclass(EvidenceRetriever, __import__("langchain_core").retrievers.BaseRetriever)


def test_a_follow_up_is_rewritten_and_searched_again(engine: Engine) -> None:
    history = [
        {"role": "user", "content": f"What did the inspector say about {CAMBS}?"},
        {"role": "assistant", "content": "The force is good [1]."},
    ]

    def write(e: dict[str, str]) -> str:
        if not e:  # the rewrite: no evidence lines in that prompt
            return '{"question": "How well does Cambridgeshire Constabulary tackle corruption?"}'
        return answer(f"{e['E1']} [E1].")

    model = fake(write)
    chain = chain_with(engine, model)
    result = chain.invoke({"question": "And corruption?", "force": None, "history": history})
    assert len(model.sent) == 2 and "corruption" in result.citations[0].quote.lower()
    assert "Question: How well does Cambridgeshire" in str(model.sent[1][-1].content)


def test_a_rewrite_that_adds_what_the_conversation_never_said_is_not_used(engine: Engine) -> None:
    history = [{"role": "user", "content": "What did the inspector say about Cambridgeshire?"}]
    model = fake(
        lambda e: (
            '{"question": "Why did Wessex Constabulary lose 300 officers?"}'
            if not e
            else answer(f"{e['E1']} [E1].")
        )
    )
    request = {"question": "And staffing?", "force": None, "history": history}
    chain_with(engine, model).invoke(request)
    assert "Question: And staffing?" in str(model.sent[1][-1].content)


def test_the_package_builds_the_chain(
    index: Settings, monkeypatch: pytest.MonkeyPatch, embeddings: OfflineEmbeddings
) -> None:
    monkeypatch.setenv("RAG_INDEX_DIR", str(index.index_dir))
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    monkeypatch.setenv("RAG_LLM_MAX_RETRIES", "0")
    monkeypatch.chdir(index.index_dir.parent)
    chain = rag.build_answer_chain(chat_model=fake(lambda e: answer(f"{e['E1']} [E1].")))
    result = chain.invoke({"question": INTEGRITY, "force": CAMBS, "history": []})
    assert result.mode == "llm" and result.citations
    refused = rag.build_answer_chain()  # the settings' model: nothing listens on that port
    fallback = refused.invoke({"question": INTEGRITY, "force": CAMBS, "history": []})
    assert fallback.mode == "offline" and "could not be reached" in (fallback.notice or "")


def test_a_briefing_cites_evidence_ids_and_keeps_only_what_they_support(engine: Engine) -> None:
    offline = engine.brief(CAMBS, mode="offline")

    def write(e: dict[str, str]) -> str:
        first, second, third, fourth = list(e.values())[:4]
        return json.dumps(
            {
                "answer": f"{first} [E1]. {second} [E2]. {third} [E3]. {fourth} [E4]. "
                "The force has 900 detectives [E1].",
                "strengths": [
                    {"text": first, "evidence": ["E1"]},
                    {"text": "It is outstanding at everything", "evidence": ["E2"]},
                ],
                "improvements": [{"text": second, "evidence": ["E9"]}],
                "concerns": [],
            }
        )

    briefing = Engine(engine.settings, embeddings=engine.embeddings, chat_model=fake(write)).brief(
        CAMBS
    )
    assert briefing.mode == "llm" and briefing.notice is None
    assert "900" not in briefing.paragraph and briefing.paragraph.count("[") == 4
    assert [f.text for f in briefing.strengths] == [offline.citations[0].quote]
    assert briefing.improvements == []  # cited evidence it was never shown
    assert briefing.grade == offline.grade  # grades come from the documents
    quotes = {c.quote for c in offline.citations}
    assert {c.quote for c in briefing.citations} <= quotes
    assert [c.n for c in briefing.citations] == list(range(1, len(briefing.citations) + 1))


def test_a_model_briefing_without_the_paragraphs_shape_is_the_offline_one(
    engine: Engine,
) -> None:
    offline = engine.brief(CAMBS, mode="offline")
    model = fake(lambda e: json.dumps({"answer": f"{list(e.values())[0]} [E1]."}))
    briefing = Engine(engine.settings, embeddings=engine.embeddings, chat_model=model).brief(CAMBS)
    assert briefing.mode == "offline" and briefing.paragraph == offline.paragraph
    assert "1 sentences, not 4 to 6" in (briefing.notice or "")


def test_a_briefing_with_nothing_supported_is_the_offline_one(engine: Engine) -> None:
    offline = engine.brief(CAMBS, mode="offline")
    model = fake(lambda e: json.dumps({"answer": "The force is the best in the world [E1]."}))
    briefing = Engine(engine.settings, embeddings=engine.embeddings, chat_model=model).brief(CAMBS)
    assert briefing.mode == "offline" and briefing.paragraph == offline.paragraph
    assert "could not be checked" in (briefing.notice or "")


def test_astream_hands_on_the_text_while_the_model_is_still_writing(engine: Engine) -> None:
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    text = answer("The inspector is concerned about integrity and staff corruption [E1].")
    slow = FakeListChatModel(responses=[text], sleep=0.005)  # LangChain's fake: 5 ms a character
    chain = chain_with(engine, slow)

    async def timed() -> list[tuple[float, Any]]:
        loop = asyncio.get_running_loop()
        request = {"question": INTEGRITY, "force": CAMBS, "history": []}
        return [(loop.time(), item) async for item in chain.astream(request)]

    arrivals = asyncio.run(timed())
    first_text = next(t for t, item in arrivals if isinstance(item, str))
    assert isinstance(arrivals[-1][1], Answer) and arrivals[-1][1].mode == "llm"
    assert arrivals[-1][0] - first_text > 0.1  # text arrived well before the answer was done


def test_quotes_the_engine_chose_that_the_model_left_out_follow_its_sentences(
    engine: Engine,
) -> None:
    """The engine's answer is two quotes; a model that restates one keeps its sentence, and
    the other quote follows it, verbatim and cited: nothing the engine found is lost."""
    offline = engine.ask(GOOD_AT, CAMBS, mode="offline")
    assert len(offline.citations) == 2
    result = ask(engine, fake(lambda e: f"{e['E1']} [E1]"), GOOD_AT)
    assert result.mode == "llm" and [c.n for c in result.citations] == [1, 2]
    assert [c.quote for c in result.citations] == [c.quote for c in offline.citations]
    second = " ".join(offline.citations[1].quote.split())
    assert result.answer.endswith(f"“{second}” [2]")


def test_an_answer_without_the_kind_of_fact_asked_gives_the_offline_answer(
    engine: Engine,
) -> None:
    question = "How many county lines did Loamshire Police shut down?"
    offline = engine.ask(question, None, mode="offline")
    assert not offline.abstained and "23" in offline.answer
    true_but_no_count = "It has a thorough understanding of the organised crime groups [E1]."
    result = ask(engine, fake(lambda e: true_but_no_count), question, force=None)
    assert result.mode == "offline" and result.answer == offline.answer
    assert "did not give the number asked for" in (result.notice or "")
    dismantled = fake(lambda e: "It dismantled 23 county lines [E1].")
    counted = ask(engine, dismantled, question, force=None)
    assert counted.mode == "llm" and "23" in counted.answer


def test_across_forces_each_quote_the_model_left_out_names_its_force(engine: Engine) -> None:
    question = "Which forces are good at tackling serious and organised crime?"
    offline = engine.ask(question, None, mode="offline")
    forces = {c.force for c in offline.citations}
    assert len(forces) > 1
    result = ask(engine, fake(lambda e: f"{e['E1']} [E1]"), question, force=None)
    assert result.mode == "llm" and len(result.citations) == len(offline.citations)
    for citation in result.citations[1:]:
        assert f"{citation.force}: “" in result.answer


def test_a_comparison_says_which_forces_documents_grade_nothing_asked(engine: Engine) -> None:
    question = "Compare Wessex and Midsomer on grades for protecting the vulnerable"
    silent = "Midsomer Constabulary: no grade for this area was found in its documents."
    assert silent in engine.ask(question, mode="offline").answer

    def graded(e: dict[str, str]) -> str:
        key, line = next((k, s) for k, s in e.items() if "protecting vulnerable people" in s)
        return answer(f"{line} [{key}].")

    result = ask(engine, fake(graded), question, force=None)
    assert result.mode == "llm" and result.notice is None
    assert result.answer.endswith(silent)  # the model's answer, then the force not graded
