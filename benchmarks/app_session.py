"""Drive the real app in a real browser: the installed `rag app --port N` on a free
loopback port, started from an empty temporary folder (so the launcher, not the
repository's .streamlit/, supplies the project's Streamlit settings), Debian's chromium
under Playwright. Used by the browser test and the app benchmark.

Playwright's own browser download cannot work here (no network), so the system
chromium is launched by path, with the flags that keep it off the network.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return os.environ.get("RAG_CHROMIUM") or None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rag_command() -> Path:
    """The installed `rag` console script beside this interpreter (the virtualenv's)."""
    script = Path(sys.executable).with_name("rag")
    if not script.exists():
        raise RuntimeError(f"{script} is missing: install the project (`pip install -e .`)")
    return script


@contextmanager
def running_app(env: dict[str, str], log: Path, timeout_s: float = 90) -> Iterator[str]:
    """Start the app as the README does, `rag app --port N`, from an empty temporary
    folder (with HOME there too, so no ~/.streamlit/ config can stand in for the
    launcher's settings); yield its URL once healthy; stop it after."""
    port = free_port()
    command = [str(rag_command()), "app", "--port", str(port)]
    with tempfile.TemporaryDirectory(prefix="rag-app-cwd-") as cwd, log.open("w") as out:
        proc = subprocess.Popen(
            command,
            cwd=cwd,
            env={**os.environ, "HOME": cwd, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"the app exited early; see {log}")
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the app did not come up in {timeout_s} s; see {log}")
                time.sleep(0.25)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def browser_page(width: int = 1400, height: int = 1000) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise RuntimeError("chromium is not installed: `apt-get install chromium` (see .ci/run)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(60_000)
            yield page
        finally:
            browser.close()


def wait_idle(page: Any, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has finished its script run (its status widget is gone)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms
    )


def open_page(page: Any, url: str, title: str) -> None:
    """Open a page by its sidebar link, as a user would."""
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    page.get_by_role("heading", level=1).filter(has_text=title.split()[0]).first.wait_for()
    wait_idle(page)


@dataclass
class Timing:
    first_text_ms: float  # Enter pressed -> first answer text on screen
    complete_ms: float  # Enter pressed -> answer with its sources on screen


_WATCH = """(before) => {
  const t0 = performance.now();
  window.__answer = {first: null, done: null};
  const check = () => {
    const msgs = document.querySelectorAll('[data-testid="stChatMessage"]');
    const reply = msgs.length > before + 1 ? msgs[before + 1] : null;
    if (reply && window.__answer.first === null &&
        reply.querySelector('[data-testid="stMarkdownContainer"]'))
      window.__answer.first = performance.now() - t0;
    if (reply && reply.querySelector('[data-testid="stDownloadButton"]')) {
      window.__answer.done = performance.now() - t0;
      return;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}"""


def ask(page: Any, question: str) -> Timing:
    """Type a question and press Enter; time (in the browser, frame by frame) the answer's
    first text and its completion (its sources and download button drawn)."""
    before = page.get_by_test_id("stChatMessage").count()
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    page.evaluate(_WATCH, before)
    box.press("Enter")
    page.wait_for_function("() => window.__answer.done !== null", polling="raf")
    got = page.evaluate("() => window.__answer")
    wait_idle(page)
    return Timing(round(got["first"], 1), round(got["done"], 1))
