"""The Ask page: a chat whose every answer carries checkable sources."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from rag.app import resources
from rag.app.markdown_export import answer_markdown
from rag.app.render import show_notices, show_sources
from rag.core.safe_text import inert_markdown
from rag.core.types import Answer

ALL_FORCES = "All forces"
EXAMPLE = "What did the inspector say about integrity?"


@dataclass
class Turn:
    role: str  # "user" or "assistant"
    content: str
    answer: Answer | None = None


def history() -> list[Turn]:
    """This session's conversation (session state: never shared between users)."""
    return st.session_state.setdefault("chat", [])


def show_answer(answer: Answer, key: str) -> None:
    engine = resources.engine()
    show_notices(answer.notice, answer.partial)
    st.markdown(inert_markdown(answer.answer))
    show_sources(engine, answer.citations, key)
    left, right = st.columns([3, 1], vertical_alignment="center")
    left.caption(
        f"{'Language model' if answer.mode == 'llm' else 'Offline engine'} · "
        f"{answer.latency_ms:.0f} ms"
    )
    right.download_button(
        "Download (.md)",
        answer_markdown(answer),
        file_name="answer.md",
        mime="text/markdown",
        key=f"{key}-download",
        icon=":material/download:",
    )


def sidebar(forces: list[str]) -> str | None:
    with st.sidebar:
        choice = st.selectbox("Force", [ALL_FORCES, *forces], key="chat_force")
        if st.button("New chat", icon=":material/add_comment:", width="stretch"):
            st.session_state["chat"] = []
            st.rerun()
    return None if choice == ALL_FORCES else choice


def render() -> None:
    engine = resources.engine()
    force = sidebar(engine.forces)
    st.title("Ask about inspection findings")
    turns = history()
    if not engine.forces:
        st.info("No documents are indexed yet: add some on the Library page.")
    if not turns:
        st.caption(
            f"Ask in your own words, for example “{EXAMPLE}”. Every answer quotes the "
            "documents; if they do not cover the question, it says so."
        )
    for i, turn in enumerate(turns):
        with st.chat_message(turn.role):
            if turn.answer is not None:
                show_answer(turn.answer, key=f"turn-{i}")
            else:
                st.markdown(inert_markdown(turn.content))

    question = st.chat_input("Ask a question about a force's inspection")
    if not question:
        return
    with st.chat_message("user"):
        st.markdown(inert_markdown(question))
    with st.chat_message("assistant"):
        preview = st.empty()
        streamed: list[str] = []

        def on_text(delta: str) -> None:  # LLM mode: show the answer as it arrives
            streamed.append(delta)
            preview.markdown(inert_markdown("".join(streamed)) + " ▌")

        earlier = [{"role": t.role, "content": t.content} for t in turns]
        with resources.friendly("Answering"), st.spinner("Searching the documents…"):
            answer = engine.ask(
                question,
                force=force,
                mode=st.session_state.get("mode"),
                history=earlier,
                on_text=on_text,
            )
        preview.empty()
        show_answer(answer, key=f"turn-{len(turns) + 1}")
    turns.append(Turn("user", question))
    turns.append(Turn("assistant", answer.answer, answer))
