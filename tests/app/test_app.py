"""The Streamlit app, page by page, through streamlit.testing.v1.AppTest: the real app
script, the real engine and a real Chroma index built by the app on first start."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rag.core.safe_text import inert_markdown
from rag.core.settings import get_settings
from rag.core.types import CANNOT_ANSWER
from rag.evaluation.data import DEFAULT_BRIEFINGS, DEFAULT_DATASET, load_briefings, load_cases
from rag.index.opening import open_read_store
from tests.support import ROOT, clear_user_settings, copy_corpus, corpus_size

# Each test runs the real app script, which builds a real index on first start.
pytestmark = pytest.mark.slow

APP = str(ROOT / "app.py")
SHIPPED_NAME = "cambridgeshire-constabulary-hmi-assessment-transcript.txt"
TIMEOUT = 120  # the first run builds the index


@pytest.fixture(scope="module")
def app_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An empty index and a data folder of seven forces' transcripts, the app's defaults
    pointed at them through the environment, as a user would."""
    base = tmp_path_factory.mktemp("app")
    data = copy_corpus(base / "data")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(base)
        clear_user_settings(mp)
        mp.setenv("RAG_INDEX_DIR", str(base / "index"))
        mp.setenv("RAG_DATA_DIR", str(data))
        get_settings.cache_clear()
        yield base
    get_settings.cache_clear()


def started(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_first_start_builds_the_index_and_says_which_mode(app_env: Path) -> None:
    at = started()
    assert [s.label for s in at.status] == [
        f"Index built: {corpus_size()} document(s), " + at.status[0].label.split(", ")[1]
    ]
    sidebar = " ".join(c.value for c in at.sidebar.caption)
    assert "Offline engine" in sidebar and f"{corpus_size()} force(s)" in sidebar
    assert not at.error


def test_chat_answers_with_sources_download_and_history(app_env: Path) -> None:
    at = started()
    at.chat_input[0].set_value("What did the inspector say about integrity in Cambridgeshire?")
    at.run()
    assert not at.exception
    shown = texts(at)
    assert "Cambridgeshire Constabulary" in shown and r"\[1\]" in shown
    assert "**Sources**" in shown
    # the quote is highlighted (bold) inside its passage, under a title naming the paragraph
    assert any(m.value.startswith("**") and "integrity" in m.value for m in at.markdown)
    assert "paragraph" in shown
    assert len(at.get("download_button")) == 1
    # a follow-up leans on the history, which the session keeps
    at.chat_input[0].set_value("And what about their support for victims?").run()
    turns = at.session_state["chat"]
    assert [t.role for t in turns] == ["user", "assistant", "user", "assistant"]
    # "their" is the force of the last question
    assert {c.force for c in turns[3].answer.citations} == {"Cambridgeshire Constabulary"}
    # a new chat forgets it
    at.sidebar.button[0].click().run()
    assert at.session_state["chat"] == []


def test_chat_force_filter_scopes_the_answer(app_env: Path) -> None:
    at = started()
    at.sidebar.selectbox[0].select("Wessex Constabulary").run()
    at.chat_input[0].set_value("What did the inspector say about integrity?").run()
    answer = at.session_state["chat"][-1].answer
    assert answer.citations and {c.force for c in answer.citations} == {"Wessex Constabulary"}


def test_chat_says_plainly_when_the_documents_do_not_say(app_env: Path) -> None:
    at = started()
    at.chat_input[0].set_value("How many horses does the mounted unit own?").run()
    assert inert_markdown(CANNOT_ANSWER) in texts(at)
    assert "**Sources**" not in texts(at)


def test_briefing_page_paragraph_findings_table_and_download(app_env: Path) -> None:
    at = started("rag/app/views/briefing.py")
    at.selectbox[0].select("Cambridgeshire Constabulary").run()
    at.button[0].click().run()
    assert not at.exception
    assert "Cambridgeshire Constabulary" in texts(at)
    table = at.table[0].value  # st.table: wraps its text, nothing cut
    assert list(table.columns) == ["Kind", "Theme", "Finding", "Sources"]
    assert set(table["Kind"]) >= {"Overall", "Strength", "Area for improvement", "Concern"}
    assert all(s.startswith(r"\[") for s in table["Sources"])  # inert: st.table renders Markdown
    assert any("domestic abuse is generally good" in f for f in table["Finding"])
    grid = at.dataframe[0].value  # the grades view, as on the Compare page
    assert dict(zip(grid["Area"], grid["Cambridgeshire Constabulary"], strict=True)) == {
        "tackling serious and organised crime": "good"
    }
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [
        "Download grades (.csv)",
        "Download briefing (.md)",
        "Download findings (.csv)",
    ]


def test_compare_page_table_and_chart(app_env: Path) -> None:
    at = started("rag/app/views/compare.py")
    at.text_input[0].input("integrity and counter-corruption")
    at.multiselect[0].set_value(["Cambridgeshire Constabulary", "Wessex Constabulary"])
    at.button[0].click().run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["Force"]) == ["Cambridgeshire Constabulary", "Wessex Constabulary"]
    assert table["Covered"].all()
    assert len(at.get("vega_lite_chart")) == 1


def test_compare_page_grades_view_and_csv(app_env: Path) -> None:
    at = started("rag/app/views/compare.py")
    grid = at.dataframe[0].value  # before any comparison: the grades view alone
    assert list(grid.columns)[0] == "Area"
    assert "Wessex Constabulary" in grid.columns and "Midsomer Constabulary" not in grid.columns
    rows = dict(zip(grid["Area"], grid["Wessex Constabulary"], strict=True))
    assert rows["overall"] == "good" and rows["protecting vulnerable people"] == "good"
    [download] = at.get("download_button")
    assert download.proto.label == "Download grades (.csv)"
    at.text_input[0].input("investigating crime")
    at.multiselect[0].set_value(["Glebeshire Constabulary"])
    at.button[0].click().run()
    assert list(at.dataframe[0].value["Grade stated"]) == ["good"]


def test_compare_page_asks_for_a_theme(app_env: Path) -> None:
    at = started("rag/app/views/compare.py")
    at.button[0].click().run()
    assert [w.value for w in at.warning] == ["Enter a theme to compare the forces on."]


def upload_and_show() -> None:
    """Run as an app script: AppTest cannot drive a file uploader, so this feeds the
    page's own upload function and then draws the page."""
    import streamlit as st

    from rag.app import library

    if "last_ingest" not in st.session_state:
        st.session_state["last_ingest"] = library.ingest_uploads(
            [
                (
                    "../../etc/Loamshire notes.txt",
                    b"Loamshire Police. I am pleased with the "
                    b"force's approach to neighbourhood policing, which is strong.",
                ),
                ("empty.txt", b""),
                ("photo.png", b"\x89PNG\r\n\x1a\n"),
            ]
        )
    library.render()


def test_library_upload_reports_each_file_and_remove(app_env: Path) -> None:
    at = AppTest.from_function(upload_and_show, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    report = at.dataframe[0].value
    results = dict(zip(report["File"], report["Result"], strict=True))
    assert results == {
        "uploads/Loamshire notes.txt": "added",
        "uploads/empty.txt": "rejected",
        "uploads/photo.png": "rejected",
    }
    errors = [e.value.replace("\\", "") for e in at.error]  # shown text, escapes removed
    assert len(errors) == 2 and all(e.startswith("uploads/") for e in errors)
    listed = at.dataframe[1].value
    assert "uploads/Loamshire notes.txt" in set(listed["Source"])
    # remove it: needs the confirmation box
    at.multiselect[0].set_value(["uploads/Loamshire notes.txt"])
    at.button[1].click().run()
    assert [w.value for w in at.warning][-1] == "Tick the box to confirm the removal."
    at.multiselect[0].set_value(["uploads/Loamshire notes.txt"])
    at.checkbox[0].check()
    at.button[1].click().run()
    assert not at.exception
    assert "uploads/Loamshire notes.txt" not in set(at.dataframe[-1].value["Source"])
    assert any("Removed" in s.value for s in at.success)


def test_library_page_lists_the_documents(app_env: Path) -> None:
    at = started("rag/app/views/library.py")
    listed = at.dataframe[0].value
    assert len(listed) == corpus_size() and "Wessex Constabulary" in set(listed["Force"])


def test_evaluation_page_shows_the_baseline_then_a_run_against_it(app_env: Path) -> None:
    at = started("rag/app/views/evaluation.py")
    assert any("committed baseline" in i.value for i in at.info)
    shown = at.dataframe[0].value
    assert "Accuracy" in set(shown["Metric"]) and "Baseline" in shown.columns
    at.button[0].click().run(timeout=300)  # the real suite, in a temporary index
    assert not at.exception
    metrics = at.dataframe[0].value.set_index("Metric")
    # the offline engine is deterministic: this run equals the committed baseline
    assert metrics.loc["Accuracy", "This run"] == metrics.loc["Accuracy", "Baseline"]
    assert metrics.loc["Accuracy", "Within floor"]
    assert any("fixed" in c.value and "broken" in c.value for c in at.caption)
    assert len(at.get("vega_lite_chart")) == 1
    assert len(at.session_state["eval_run"].cases) == len(load_cases(DEFAULT_DATASET))
    # the user's own index was not touched by the evaluation
    assert len(open_read_store(get_settings()).documents()) == corpus_size()


@pytest.mark.server
def test_chat_in_llm_mode_streams_and_shows_only_verified_citations(app_env: Path) -> None:
    """The real openai client against the FAKE server: the app streams the reply, then
    shows the checked answer; citations of evidence it was never shown are dropped."""
    import json

    from tests.support.fake_openai_server import FakeOpenAIServer, FakeReply

    quote = "risks to the integrity of the organisation, including staff corruption"
    reply = json.dumps({"answer": "The inspector is concerned about integrity [E1][E8][E9]."})
    with FakeOpenAIServer() as server, pytest.MonkeyPatch.context() as mp:
        mp.setenv("OPENAI_BASE_URL", server.base_url)
        mp.setenv("RAG_CHAT_MODEL", "fake-chat")
        mp.setenv("RAG_LLM_TIMEOUT_S", "5")
        get_settings.cache_clear()
        server.script(FakeReply(reply, chunk_chars=7))
        at = started()
        assert at.sidebar.radio[0].value == "llm"
        assert "fake-chat" in " ".join(c.value for c in at.sidebar.caption)
        at.chat_input[0].set_value("What did the inspector say about integrity in Cambridgeshire?")
        at.run()
        get_settings.cache_clear()
    assert not at.exception
    (body,) = server.chat_requests
    assert body["stream"] is True
    answer = at.session_state["chat"][-1].answer
    assert answer.mode == "llm" and answer.answer.startswith("The inspector is concerned")
    assert len(answer.citations) == 1 and answer.dropped_citations == 2
    assert quote in answer.citations[0].quote
    assert any(c.value.startswith("Language model") for c in at.caption)


def ingest_session_uploads() -> None:
    """App script: ingest the (name, bytes) pairs a test put in session state, then draw
    the library page, as the upload form does."""
    import streamlit as st

    from rag.app import library

    if "last_ingest" not in st.session_state:
        st.session_state["last_ingest"] = library.ingest_uploads(st.session_state["uploads"])
    library.render()


def test_library_upload_of_every_bad_file_rejects_each_and_keeps_the_rest(
    app_env: Path, tmp_path: Path
) -> None:
    from rag.app.library import upload_name
    from tests.support.bad_inputs import BAD_INPUT_SETTINGS, make_bad_inputs, make_weird_named_files

    bad = [b for b in make_bad_inputs(tmp_path / "bad") if b.path.is_file()]
    good = make_weird_named_files(tmp_path / "good")
    uploads = [(b.path.name, b.path.read_bytes()) for b in bad]
    uploads += [(p.name, p.read_bytes()) for p in good]
    with pytest.MonkeyPatch.context() as mp:
        for name, value in BAD_INPUT_SETTINGS.items():
            mp.setenv(name, value)
        get_settings.cache_clear()
        before = {r.source: r.document_id for r in open_read_store(get_settings()).documents()}
        at = AppTest.from_function(ingest_session_uploads, default_timeout=TIMEOUT)
        at.session_state["uploads"] = uploads
        at.run()
        after = {r.source: r.document_id for r in open_read_store(get_settings()).documents()}
    get_settings.cache_clear()
    assert not at.exception
    results = at.dataframe[0].value
    status = dict(zip(results["File"], results["Result"], strict=True))
    reasons = dict(zip(results["File"], results["Reason"], strict=True))
    assert len(results) == len(uploads)
    for item in bad:
        name = upload_name(item.path.name)
        assert status[name] == "rejected", name
        assert item.reason.lower() in reasons[name].lower(), (name, reasons[name])
    assert [status[upload_name(p.name)] for p in good] == ["added"] * len(good)
    assert len(at.error) == len(bad)  # one message per rejected file
    assert all(after[s] == d for s, d in before.items())  # nothing stored before changed
    print(f"\napp: {len(bad)} bad uploads rejected one message each, {len(good)} good added")


def test_duplicate_upload_names_in_one_batch_are_all_kept(app_env: Path) -> None:
    from rag.app.library import unique_name
    from tests.support.bad_inputs import transcript

    taken: set[str] = set()
    names = [unique_name(n, taken) for n in ["uploads/a.txt", "uploads/a.txt", "uploads/a.txt"]]
    assert names == ["uploads/a.txt", "uploads/a (2).txt", "uploads/a (3).txt"]
    at = AppTest.from_function(ingest_session_uploads, default_timeout=TIMEOUT)
    at.session_state["uploads"] = [
        ("notes.txt", transcript("Dupeshire Police", "patrols well").encode()),
        ("other/notes.txt", transcript("Dupeshire Police", "answers calls fast").encode()),
    ]
    at.run()
    results = at.dataframe[0].value
    assert list(results["File"]) == ["uploads/notes.txt", "uploads/notes (2).txt"]
    assert list(results["Result"]) == ["added", "added"]
    # leave the shared index as it was for the other tests
    at.multiselect[0].set_value(["uploads/notes.txt", "uploads/notes (2).txt"])
    at.checkbox[0].check()
    at.button[1].click().run()
    assert any("Removed" in s.value for s in at.success)


def test_removing_every_document_does_not_rebuild_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """First start seeds the index from data/; a user who then removes everything gets an
    empty index, not the shipped documents back."""
    data = tmp_path / "data"
    data.mkdir()
    (data / SHIPPED_NAME).write_bytes((ROOT / "data" / SHIPPED_NAME).read_bytes())
    monkeypatch.chdir(tmp_path)
    clear_user_settings(monkeypatch)
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("RAG_DATA_DIR", str(data))
    get_settings.cache_clear()
    try:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.run()
        assert at.status and at.status[0].label.startswith("Index built: 1 document(s)")
        at.switch_page("rag/app/views/library.py").run()
        at.multiselect[0].set_value([f"data/{SHIPPED_NAME}"])
        at.checkbox[0].check()
        at.button[1].click().run()
        assert not at.exception and not at.status
        assert any("The index is empty" in i.value for i in at.info)
        at.switch_page("rag/app/views/ask.py").run()
        assert not at.status and any("No documents are indexed" in i.value for i in at.info)
    finally:
        get_settings.cache_clear()


def test_the_sidebar_never_shows_credentials_in_a_model_url() -> None:
    from rag.app.render import mode_label
    from rag.core.settings import load_settings

    settings = load_settings(_env_file=None, OPENAI_BASE_URL="http://user:secret@10.0.0.5:8080/v1")
    label = mode_label(settings, "llm")
    assert "secret" not in label and "user" not in label and "10.0.0.5:8080/v1" in label


def test_documents_seeded_from_outside_the_working_directory_get_short_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A data folder elsewhere on the server: citations name ``<folder>/<file>``, never the
    server's absolute path (a review finding)."""
    from rag.app.resources import seed_names
    from rag.core.settings import load_settings
    from rag.ingest.pipeline import ingest_paths

    data = tmp_path / "srv" / "police-docs"
    (data / "2025").mkdir(parents=True)
    (data / "2025" / SHIPPED_NAME).write_bytes((ROOT / "data" / SHIPPED_NAME).read_bytes())
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    names = seed_names(data)
    assert names == {data / "2025" / SHIPPED_NAME: f"police-docs/2025/{SHIPPED_NAME}"}
    settings = load_settings(index_dir=tmp_path / "index", _env_file=None)
    report = ingest_paths([data], settings, names=names)
    assert [d.source for d in report.documents] == [f"police-docs/2025/{SHIPPED_NAME}"]
    monkeypatch.chdir(tmp_path / "srv")
    assert seed_names(data) is None  # inside the working directory: the CLI's names


@pytest.mark.server
def test_a_model_evaluation_needs_a_confirmation_and_runs_one_at_a_time(app_env: Path) -> None:
    """Hundreds of paid calls: the box says how many, the button waits for a tick, and while
    another user's model run holds the lock a second one is refused with a message, sending
    nothing (a review finding)."""
    from rag.app import evaluation_page
    from rag.app.evaluation_page import model_run_lock
    from tests.support.fake_openai_server import FakeOpenAIServer

    cases = load_cases(DEFAULT_DATASET)
    briefings = load_briefings(DEFAULT_BRIEFINGS)
    with FakeOpenAIServer() as server, pytest.MonkeyPatch.context() as mp:
        mp.setenv("OPENAI_BASE_URL", server.base_url)
        mp.setenv("RAG_CHAT_MODEL", "fake-chat")
        get_settings.cache_clear()
        at = started("rag/app/views/evaluation.py")
        at.radio(key="eval_mode").set_value("llm").run()
        label = at.checkbox(key="eval_confirm_0").label
        rewrites = sum(1 for c in cases if c.history)  # a follow-up is rewritten first
        calls = len(cases) + rewrites + len(briefings) + 2 * len(cases)  # a judge: two each
        assert f"{len(cases)} questions and {len(briefings)} briefings" in label, label
        assert f"about {calls:,} model calls" in label, label
        # the run itself on a few of the questions and one briefing: the flow is the test
        small = app_env / "small-reference.jsonl"
        lines = DEFAULT_DATASET.read_text(encoding="utf-8").splitlines()
        small.write_text("\n".join(lines[:6]) + "\n", encoding="utf-8")
        one = app_env / "one-briefing.jsonl"
        first = DEFAULT_BRIEFINGS.read_text(encoding="utf-8").splitlines()[0]
        one.write_text(first + "\n", encoding="utf-8")
        mp.setattr(evaluation_page, "DATASET", small)
        mp.setattr(evaluation_page, "BRIEFINGS", one)
        run_button = next(b for b in at.button if b.label == "Run the evaluation")
        assert run_button.disabled
        at.checkbox(key="eval_confirm_0").check().run()
        run_button = next(b for b in at.button if b.label == "Run the evaluation")
        assert not run_button.disabled
        lock = model_run_lock()
        assert lock.acquire(blocking=False)  # another user's run
        try:
            run_button.click().run()
        finally:
            lock.release()
        assert not at.exception
        assert any("Another user is running" in w.value for w in at.warning)
        assert server.chat_requests == [] and "eval_run" not in at.session_state
        # now it runs (the fake server has no reply scripted: every answer falls back to the
        # offline engine, with a notice); the next run needs a new tick
        next(b for b in at.button if b.label == "Run the evaluation").click().run()
        assert not at.exception and server.chat_requests
        assert at.session_state["eval_run"].meta.mode == "llm"
        assert not at.checkbox(key="eval_confirm_1").value
        assert next(b for b in at.button if b.label == "Run the evaluation").disabled
        get_settings.cache_clear()


def test_a_source_opens_the_reader_at_its_quote_highlighted(app_env: Path) -> None:
    at = started()
    at.chat_input[0].set_value("What did the inspector say about integrity in Cambridgeshire?")
    at.run()
    citation = at.session_state["chat"][-1].answer.citations[0]
    read = next(b for b in at.button if b.label == "Read it in the document")
    read.click().run()
    assert not at.exception, at.exception
    assert at.selectbox[0].value == citation.source  # the Library's reader, at its document
    assert any("The cited quote is highlighted" in c.value for c in at.caption)
    marked = [m.value for m in at.markdown if m.value.startswith("**¶") and "** " in m.value[3:]]
    words = inert_markdown(citation.quote.split()[0])
    assert any(f"**{words}" in m for m in marked), marked  # the quote in bold, in its paragraph
