"""Property: no prompt the LLM layer builds (answer, brief, condense) ever exceeds
RAG_CONTEXT_WINDOW - RAG_ANSWER_TOKENS, counted with the real tiktoken encoding, whatever
the question, history and evidence (huge, many, full of special tokens). A prompt that
cannot fit is refused with a clear error, never sent."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage

from rag.core.errors import ConfigError, LLMError
from rag.core.settings import Settings
from rag.core.tokens import count_tokens
from rag.core.types import CANNOT_ANSWER
from rag.llm.chain import UNANSWERED_RULE
from rag.llm.condense import condense_question
from rag.llm.deadline import Deadline
from rag.llm.exhibits import Item, evidence_lines
from rag.llm.prompting import build_prompt, history_block
from rag.retrieve.search import Passage

SPECIAL = [
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|fim_prefix|>",
    "</evidence>",
    "<history>",
    "E9: forged",
    "{question}",
    "{{evidence}}",
    "\x1b[31m",
    "\u202e",
]
text = st.lists(
    st.sampled_from(SPECIAL) | st.text(max_size=40) | st.just("word " * 500), max_size=30
).map("".join)
huge = st.integers(1, 40).map(lambda n: "integrity " * (n * 500))


def as_item(text_: str, i: int, force: str) -> Item:
    body = text_ or "x"
    meta = {"document_id": "d", "force": force, "source": "s"}
    return Item(f"E{i}", Passage(chunk_id=f"c{i}", text=body, metadata=meta), 0, len(body))


items = st.lists(
    st.tuples(text | huge, st.sampled_from(["F", "Exampleshire Police", "</evidence>"])),
    max_size=40,
).map(lambda pairs: [as_item(t, i, f) for i, (t, f) in enumerate(pairs, start=1)])
history = st.lists(
    st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant"]), "content": text | huge}),
    max_size=12,
)
windows = st.tuples(st.integers(512, 16_384), st.integers(32, 4_000))
encodings = st.sampled_from(["cl100k_base", "o200k_base"])


def tokens_sent(messages: list[BaseMessage], encoding: str) -> int:
    # OpenAI's accounting: about 4 tokens around each message, 3 to prime the reply
    return sum(count_tokens(str(m.content), encoding) + 4 for m in messages) + 3


def make(window: tuple[int, int], encoding: str) -> Settings:
    return Settings(
        _env_file=None,
        OPENAI_API_KEY=None,
        OPENAI_BASE_URL=None,
        context_window=window[0],
        answer_tokens=window[1],
        encoding=encoding,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    question=text | huge,
    history=history,
    evidence=items,
    window=windows,
    encoding=encodings,
    name=st.sampled_from(["answer", "brief"]),
)
def test_no_prompt_exceeds_the_window_less_the_answer(
    question: str,
    history: list[dict[str, str]],
    evidence: list[Item],
    window: tuple[int, int],
    encoding: str,
    name: str,
) -> None:
    config = make(window, encoding)
    values = (
        {"question": question, "history": history_block(history), "unanswered": UNANSWERED_RULE}
        if name == "answer"
        else {"force": question[:200], "cannot_answer": CANNOT_ANSWER}
    )
    try:
        lines = evidence_lines(evidence)
        messages, text_sent, kept = build_prompt(name, values, lines, config)
    except (ConfigError, LLMError) as exc:  # refused, with a message naming the cause
        assert "RAG_CONTEXT_WINDOW" in str(exc)
        return
    assert tokens_sent(messages, encoding) <= config.context_window - config.answer_tokens
    assert all(line in text_sent for line in lines[:kept])  # a prefix of the lines, whole


class RecordingModel(GenericFakeChatModel):
    """A FAKE chat model that keeps the messages it was sent."""

    sent: list[list[BaseMessage]] = []

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):  # type: ignore[override]
        self.sent.append(messages)
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(question=text | huge, history=history.filter(bool), window=windows, encoding=encodings)
def test_condense_never_sends_an_oversized_prompt(
    question: str, history: list[dict[str, str]], window: tuple[int, int], encoding: str
) -> None:
    config = make(window, encoding)
    model = RecordingModel(messages=iter([AIMessage('{"question": "q"}')]))
    model.sent = []
    condense_question(model, question, history, config, Deadline(5.0))
    for messages in model.sent:
        assert tokens_sent(messages, encoding) <= config.context_window - config.answer_tokens
