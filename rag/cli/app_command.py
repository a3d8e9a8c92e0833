"""`rag app`: the Streamlit app with the project's settings (loopback only, no usage
statistics, no error details), from any folder, as installed."""

from __future__ import annotations

import os
import sys
import tomllib
from importlib.resources import files
from typing import Annotated, Any

import typer

from rag.cli.common import app
from rag.cli.output import friendly_errors

_APP = files("rag.app")


def _flag(section: str, key: str, value: Any) -> str:
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return f"--{section}.{key}={text}"


def streamlit_command(host: str | None = None, port: int | None = None) -> list[str]:
    """The `streamlit run` command line: the packaged app script and every setting of
    ``rag/app/streamlit.toml`` as a flag (Streamlit reads a config file only from the
    working folder or the home folder)."""
    config = tomllib.loads(_APP.joinpath("streamlit.toml").read_text(encoding="utf-8"))
    flags = [_flag(s, k, v) for s, values in config.items() for k, v in values.items()]
    if host:
        flags.append(_flag("server", "address", host))
    if port:
        flags.append(_flag("server", "port", port))
    script = str(_APP.joinpath("main.py"))
    return [sys.executable, "-m", "streamlit", "run", script, *flags]


@app.command("app")
@friendly_errors
def app_command(
    host: Annotated[
        str | None, typer.Option("--host", help="Address to serve on (default 127.0.0.1).")
    ] = None,
    port: Annotated[
        int | None, typer.Option("--port", min=1, max=65535, help="Port (default 8501).")
    ] = None,
) -> None:
    """Start the web app on this machine (it indexes RAG_DATA_DIR on first start)."""
    command = streamlit_command(host, port)
    os.execv(command[0], command)  # the app replaces this process: Ctrl-C reaches it
