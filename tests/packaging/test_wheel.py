"""The package as a user gets it: a real wheel (not the editable install), built offline,
installed into a fresh virtual environment and run from an empty folder with the network
blocked. Each package-data file the product reads (prompts, the shipped evaluation set,
corpus and floors, the Streamlit settings) must come from the installed wheel.

The fresh venv sees the project's dependencies through a ``.pth`` file naming the outer
venv's site-packages: its lines are appended to ``sys.path``, but ``.pth`` files inside that
folder are not processed, so the outer editable finder for ``rag`` is never loaded. A
``sitecustomize.py`` in the fresh venv makes every connection to a host other than loopback
fail at once with an OSError. The LLM is the FAKE OpenAI-compatible server on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rag.core.types import CANNOT_ANSWER
from tests.support import ROOT, SHIPPED
from tests.support.fake_openai_server import FakeOpenAIServer, FakeReply

pytestmark = [pytest.mark.slow, pytest.mark.server]

QUESTION = "How does the force support victims of domestic abuse?"
TIMEOUT_S = 120  # any one subprocess; the whole module takes about a minute
BLOCKED = "network blocked by tests/packaging/test_wheel.py"

# Installed as sitecustomize.py: imported by every Python of the fresh venv at start-up.
SITECUSTOMIZE = f'''"""Written by tests/packaging/test_wheel.py: only loopback is reachable."""

import socket

BLOCKED = {BLOCKED!r}
_LOOPBACK = {{"127.0.0.1", "localhost", "::1"}}
_INET = {{socket.AF_INET, socket.AF_INET6}}


def _check(host):
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host is not None and str(host).lower() not in _LOOPBACK:
        raise OSError(f"{{BLOCKED}}: {{host!r}}")


def _guard(original):
    def guarded(self, address):
        if self.family in _INET and isinstance(address, tuple):  # unix sockets pass
            _check(address[0])
        return original(self, address)

    guarded.__name__ = original.__name__
    return guarded


socket.socket.connect = _guard(socket.socket.connect)
socket.socket.connect_ex = _guard(socket.socket.connect_ex)
_getaddrinfo = socket.getaddrinfo


def getaddrinfo(host, *args, **kwargs):
    _check(host)
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = getaddrinfo
'''

# Run by the fresh venv's python: where things come from, and what the network allows.
PROBE = r"""
import json, os, socket, sys, tempfile, time

out = {"sitecustomize": getattr(sys.modules.get("sitecustomize"), "__file__", None)}

def attempt(name, call):
    start = time.monotonic()
    try:
        call()
        out[name] = "ok"
    except OSError as exc:
        out[name] = f"OSError: {exc}"
    out[name + "_s"] = time.monotonic() - start

def connect():
    with socket.socket() as s:
        s.settimeout(10)  # a real attempt would hang here; the block must not
        s.connect(("192.0.2.1", 80))  # TEST-NET-1: never routed

def connect_ex():
    with socket.socket() as s:
        s.settimeout(10)
        s.connect_ex(("192.0.2.1", 80))

def loopback():
    with socket.socket() as server, socket.socket() as client:
        server.bind(("127.0.0.1", 0))
        server.listen()
        client.connect(("127.0.0.1", server.getsockname()[1]))
        socket.getaddrinfo("localhost", server.getsockname()[1])

def unix():
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "s")
    with socket.socket(socket.AF_UNIX) as server, socket.socket(socket.AF_UNIX) as client:
        server.bind(path)
        server.listen()
        client.connect(path)

attempt("connect", connect)
attempt("connect_ex", connect_ex)
attempt("getaddrinfo", lambda: socket.getaddrinfo("example.com", 443))
attempt("create_connection", lambda: socket.create_connection(("example.com", 443), 10))
attempt("loopback", loopback)
attempt("unix", unix)

import rag
from rag.cli.app_command import streamlit_command
from rag.evaluation.data import DEFAULT_CORPUS, DEFAULT_DATASET
from rag.evaluation.gate import DEFAULT_FLOORS
from rag.llm.prompting import PROMPTS_DIR

out["rag"] = rag.__file__
out["editable_finders"] = sorted(m for m in sys.modules if m.startswith("__editable__"))
command = streamlit_command()
out["app_script"] = command[command.index("run") + 1]
out["data"] = {
    "prompts": [str(p) for p in sorted(PROMPTS_DIR.glob("*.md"))],
    "dataset": str(DEFAULT_DATASET),
    "floors": str(DEFAULT_FLOORS),
    "corpus": [str(p) for folder in DEFAULT_CORPUS for p in sorted(folder.glob("*.txt"))],
}
print(json.dumps(out))
"""


@dataclass
class Installed:
    venv: Path
    site: Path  # the fresh venv's site-packages
    rag: Path  # its `rag` console script
    env: dict[str, str]  # no OPENAI_* / RAG_* of the developer; HOME and TMPDIR fresh
    tmp: Path

    def folder(self, name: str) -> Path:
        """A new, empty working folder."""
        path = self.tmp / "work" / name
        path.mkdir(parents=True)
        return path


def shown(proc: subprocess.CompletedProcess[str]) -> str:
    return (
        f"\n$ {' '.join(map(str, proc.args))}\nexit {proc.returncode}\n"
        f"--- stdout ---\n{proc.stdout[-6000:]}\n--- stderr ---\n{proc.stderr[-6000:]}"
    )


def run(
    args: list[Any],
    cwd: Path,
    env: dict[str, str],
    timeout: float = TIMEOUT_S,
    expect: int | None = 0,
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    if expect is not None:
        assert proc.returncode == expect, shown(proc)
    return proc


def json_out(proc: subprocess.CompletedProcess[str]) -> Any:
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(f"stdout is not JSON ({exc}){shown(proc)}") from None


def clean_env(tmp: Path) -> dict[str, str]:
    """The developer's environment minus their model, index and Python settings."""
    drop = {
        "PYTHONPATH",
        "PYTHONHOME",
        "PYTHONSTARTUP",
        "PYTHONUSERBASE",
        "VIRTUAL_ENV",
        "TIKTOKEN_CACHE_DIR",
    }
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "RAG_", "PIP_")) and k not in drop
    }
    for name in ("home", "tmp"):
        (tmp / name).mkdir()
    env.update(
        HOME=str(tmp / "home"),
        TMPDIR=str(tmp / "tmp"),
        PIP_NO_INDEX="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    return env


def normalised(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    tmp = tmp_path_factory.mktemp("wheel")
    env = clean_env(tmp)
    blocker = tmp / "netblock"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    outer = Path(sys.executable)
    outer_site = Path(sysconfig.get_paths()["purelib"])

    # 1. the wheel, offline: no index, no build isolation, the blocker on the build too
    build_dir, had_build = ROOT / "build", (ROOT / "build").exists()
    dist = tmp / "dist"
    try:
        run(
            [
                outer,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "--no-build-isolation",
                "--no-index",
                "-w",
                dist,
                ROOT,
            ],
            cwd=tmp,
            env={**env, "PYTHONPATH": str(blocker)},
        )
    finally:
        if not had_build and build_dir.exists():
            shutil.rmtree(build_dir, ignore_errors=True)
    (wheel,) = dist.glob("inspection_rag-*.whl")

    # 2. a fresh venv, the wheel installed into it before the dependencies are visible
    venv = tmp / "venv"
    run([outer, "-m", "venv", "--without-pip", venv], cwd=tmp, env=env)
    python = venv / "bin" / "python"
    site = Path(
        run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=tmp,
            env=env,
        ).stdout.strip()
    )
    assert site.is_dir() and site.is_relative_to(venv), site
    # 3. the network blocked in every Python of the venv, pip's included
    shutil.copy(blocker / "sitecustomize.py", site / "sitecustomize.py")
    run(
        [
            outer,
            "-m",
            "pip",
            "--python",
            python,
            "install",
            "--no-deps",
            "--no-index",
            "--no-compile",
            wheel,
        ],
        cwd=tmp,
        env=env,
    )
    assert (venv / "bin" / "rag").is_file()
    (site / "_outer_venv_dependencies.pth").write_text(f"{outer_site}\n", encoding="utf-8")
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    yield Installed(venv=venv, site=site, rag=venv / "bin" / "rag", env=env, tmp=tmp)


@pytest.fixture(scope="module")
def probe(installed: Installed) -> dict[str, Any]:
    proc = run(
        [installed.venv / "bin" / "python", "-c", PROBE], installed.folder("probe"), installed.env
    )
    result = json_out(proc)
    result["_shown"] = shown(proc)
    return result


@pytest.fixture(scope="module")
def ingested(installed: Installed) -> Path:
    """An empty folder where `rag ingest` indexed the shipped transcript."""
    cwd = installed.folder("ask")
    assert not any(cwd.iterdir())
    proc = run([installed.rag, "ingest", SHIPPED], cwd, installed.env)
    assert "added" in proc.stdout, shown(proc)
    assert (cwd / ".rag-index").is_dir(), shown(proc)
    return cwd


def test_rag_comes_from_the_wheel_not_the_checkout(
    installed: Installed, probe: dict[str, Any]
) -> None:
    why = probe["_shown"]
    assert Path(probe["rag"]).is_relative_to(installed.site), why
    assert probe["editable_finders"] == [], why
    assert Path(probe["sitecustomize"]) == installed.site / "sitecustomize.py", why
    app_script = Path(probe["app_script"])
    assert app_script.is_relative_to(installed.site) and app_script.is_file(), why
    data = probe["data"]
    prompts = {Path(p).name for p in data["prompts"]}
    assert {"answer.md", "brief.md", "condense.md"} <= prompts, why
    corpus = {Path(p).name for p in data["corpus"]}
    assert SHIPPED.name in corpus and len(corpus) > 1, why
    for path in [*data["prompts"], *data["corpus"], data["dataset"], data["floors"]]:
        assert Path(path).is_relative_to(installed.site), (path, why)
        assert Path(path).is_file(), (path, why)
    # the transcript is a symlink in the checkout: its content, not the link, is installed
    transcript = next(Path(p) for p in data["corpus"] if Path(p).name == SHIPPED.name)
    assert not transcript.is_symlink(), transcript
    assert transcript.read_bytes() == SHIPPED.read_bytes()


def test_the_network_is_blocked_in_the_installed_python(probe: dict[str, Any]) -> None:
    why = probe["_shown"]
    for name in ("connect", "connect_ex", "getaddrinfo", "create_connection"):
        assert probe[name].startswith(f"OSError: {BLOCKED}"), (name, why)
        assert probe[f"{name}_s"] < 2, (name, why)  # refused in the wrapper, no packet sent
    assert "192.0.2.1" in probe["connect"], why
    assert probe["loopback"] == "ok" and probe["unix"] == "ok", why


def test_ingest_then_ask_offline(installed: Installed, ingested: Path) -> None:
    proc = run([installed.rag, "ask", QUESTION, "--json"], ingested, installed.env)
    answer = json_out(proc)
    assert answer["mode"] == "offline" and not answer["abstained"], shown(proc)
    assert answer["citations"], shown(proc)
    transcript = normalised(SHIPPED.read_text(encoding="utf-8"))
    for citation in answer["citations"]:
        assert citation["verified"], shown(proc)
        assert normalised(citation["quote"]) in transcript, (citation, shown(proc))


def test_llm_mode_reads_the_packaged_prompts(installed: Installed, ingested: Path) -> None:
    with FakeOpenAIServer() as server:
        env = {
            **installed.env,
            "OPENAI_BASE_URL": server.base_url,
            "RAG_CHAT_MODEL": "fake-chat",
            "RAG_LLM_MAX_RETRIES": "0",
            "RAG_LLM_TIMEOUT_S": "20",
        }
        ask = [installed.rag, "ask", QUESTION, "--mode", "llm", "--json"]
        server.script(CANNOT_ANSWER)
        first = run(ask, ingested, env)
        # before the fix: "Cannot read prompt file .../site-packages/prompts/answer.md"
        assert server.chat_requests, shown(first)
        refused = json_out(first)  # a refusal of the engine's own quotes shows its answer
        assert refused["mode"] == "offline" and "no answer from the quotes" in refused["notice"]

        prompt = server.chat_requests[0]["messages"][-1]["content"]
        evidence = dict(re.findall(r"^(E\d+)(?: \([^)]*\))?: (.*)$", prompt, re.M))
        assert "E1" in evidence, prompt
        quote = evidence["E1"]
        reply = {"answer": f"The inspector said: {quote} [E1]"}
        server.script(FakeReply(json.dumps(reply)))
        second = run(ask, ingested, env)
        assert len(server.chat_requests) == 2, shown(second)
    answer = json_out(second)
    assert answer["mode"] == "llm" and not answer["abstained"], shown(second)
    assert not answer.get("notice"), shown(second)
    (citation,) = answer["citations"]
    assert citation["verified"] and citation["source"] == str(SHIPPED), shown(second)
    transcript = normalised(SHIPPED.read_text(encoding="utf-8"))
    assert normalised(citation["quote"]) in transcript, shown(second)


def test_eval_runs_on_the_shipped_set_and_passes_the_shipped_floors(installed: Installed) -> None:
    # one run of the whole set (the slowest command here): its JSON, its files and the gate
    cwd = installed.folder("eval")
    proc = run([installed.rag, "eval", "--json", "--check"], cwd, installed.env)
    result = json_out(proc)
    why = shown(proc)
    meta, metrics = result["meta"], result["metrics"]
    assert meta["mode"] == "offline" and meta["cases"] > 0 and meta["notes"] == [], why
    assert metrics and isinstance(metrics["accuracy"], float), why
    assert 0 < metrics["accuracy"] <= 1 and 0 < metrics["recall_at_5"] <= 1, why
    # the shipped floors (package data) gate it, and it passes them
    gate = result["gate"]
    assert gate and Path(gate["floors"]).is_relative_to(installed.site), why
    assert gate["passed"] and gate["failures"] == [] and proc.returncode == 0, why
    # the shipped baseline (package data) ran the same dataset, so it was compared with
    assert result["baseline"] and Path(result["baseline"]).is_relative_to(installed.site), why
    assert result["files"], why
    for path in result["files"]:
        assert (cwd / path).is_file() and (cwd / path).is_relative_to(cwd / "rag-eval-runs"), why


def test_app_help(installed: Installed) -> None:
    proc = run([installed.rag, "app", "--help"], installed.folder("app"), installed.env)
    assert "Usage" in proc.stdout and "--port" in proc.stdout, shown(proc)
