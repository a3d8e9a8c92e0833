"""A FAKE OpenAI-compatible HTTP server for tests: real HTTP on 127.0.0.1, canned answers.

Routes:

- ``POST /v1/embeddings``: vectors are deterministic functions of the input text
  (see :func:`fake_embedding`), so a test can compute what it expects.
- ``POST /v1/chat/completions``: replies a test scripted with :meth:`FakeOpenAIServer.script`
  (one :class:`FakeReply` per request, in order), as one JSON body or, when the request
  says ``"stream": true``, as server-sent events (``data: {...}`` chunks, then
  ``data: [DONE]``). A :class:`FakeReply` can also inject faults: an HTTP error status
  with headers (``Retry-After``), a delay longer than the client's timeout, a stream
  whose connection is cut half way, or a stream with a garbled event. With no scripted
  reply left the server answers 500 with ``x-should-retry: false``, so a test that
  under-scripts fails loudly.

Every request (path, lower-cased headers, JSON body) is kept in ``server.requests``.

    with FakeOpenAIServer() as server:
        server.script(FakeReply('{"answer": "..."}'))
        settings = load_settings(openai_base_url=server.base_url, ...)
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAKE_DIMENSION = 8
FAKE_MODEL = "fake-chat"


def fake_embedding(text: str, dimension: int = FAKE_DIMENSION) -> list[float]:
    """The vector the fake server returns for ``text``: exact in float32."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return [(digest[i] - 128) / 128 for i in range(dimension)]


@dataclass
class FakeReply:
    """One scripted answer of the fake chat endpoint (or a fault instead of one)."""

    content: str = ""
    status: int = 200  # anything but 200 sends an OpenAI-style error body
    headers: dict[str, str] = field(default_factory=dict)  # e.g. {"Retry-After": "0"}
    delay_s: float = 0.0  # wait before answering (beyond a short client timeout)
    finish_reason: str = "stop"  # "length": the model hit max_tokens
    chunk_chars: int = 8  # stream: characters of content per SSE chunk
    cut_after_chunks: int | None = None  # stream: drop the connection after this many chunks
    junk_after_chunks: int | None = None  # stream: send an event that is not JSON, then end
    usage: bool = True  # include a fake usage block (JSON reply, or stream with include_usage)


def _fake_usage(body: dict[str, Any], content: str) -> dict[str, int]:
    # FAKE counts (words), distinct from tiktoken's, so a test can tell which was used.
    prompt = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))
    completion = len(content.split())
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive and chunked streams, as real servers do

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
        pass

    def _reply(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError:
            self._reply(400, {"error": {"message": "body is not JSON", "type": "invalid_request"}})
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.server.requests.append({"path": self.path, "headers": headers, "body": body})
        route = self.path.rstrip("/")
        if route == "/v1/embeddings":
            self._reply(200, self.server.embeddings_reply(body))
        elif route == "/v1/chat/completions":
            self._chat(body)
        else:
            self._reply(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

    def _chat(self, body: dict[str, Any]) -> None:
        reply = self.server.next_reply()
        if reply is None:
            self._reply(
                500,
                {
                    "error": {
                        "message": "fake server: no scripted reply left",
                        "type": "server_error",
                    }
                },
                {"x-should-retry": "false"},
            )
            return
        if reply.delay_s and self.server.stopping.wait(reply.delay_s):
            return  # the server is shutting down: give up quietly
        if reply.status != 200:
            message = f"fake server: scripted HTTP {reply.status}"
            self._reply(
                reply.status, {"error": {"message": message, "type": "server_error"}}, reply.headers
            )
        elif body.get("stream"):
            self._stream(body, reply)
        else:
            message = {"role": "assistant", "content": reply.content}
            answer: dict[str, Any] = {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", FAKE_MODEL),
                "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason}],
            }
            if reply.usage:
                answer["usage"] = _fake_usage(body, reply.content)
            self._reply(200, answer, reply.headers)

    def _stream(self, body: dict[str, Any], reply: FakeReply) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        base = {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": body.get("model", FAKE_MODEL),
        }
        step = max(1, reply.chunk_chars)
        pieces = [reply.content[i : i + step] for i in range(0, len(reply.content), step)]
        events: list[dict[str, Any] | str] = [
            {
                **base,
                "choices": [
                    {
                        "index": 0,
                        "delta": {"role": "assistant", "content": piece},
                        "finish_reason": None,
                    }
                ],
            }
            for piece in pieces
        ]
        events.append(
            {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": reply.finish_reason}]}
        )
        if reply.usage and (body.get("stream_options") or {}).get("include_usage"):
            events.append({**base, "choices": [], "usage": _fake_usage(body, reply.content)})
        events.append("[DONE]")
        for index, event in enumerate(events):
            if reply.cut_after_chunks is not None and index >= reply.cut_after_chunks:
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)  # no terminating chunk: the client sees a broken body
                return
            if reply.junk_after_chunks is not None and index == reply.junk_after_chunks:
                event = '{"choices": [{"delta": {"content": "gar'  # a garbled event
            data = event if isinstance(event, str) else json.dumps(event)
            self._chunk(f"data: {data}\n\n".encode())
        self._chunk(b"")  # the terminating zero-length chunk

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, dimension: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)  # port 0: the OS picks a free port
        self.dimension = dimension
        self.requests: list[dict[str, Any]] = []
        self.replies: deque[FakeReply] = deque()
        self.stopping = threading.Event()
        self._lock = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out and hung up is expected here, not worth a traceback

    def next_reply(self) -> FakeReply | None:
        with self._lock:
            return self.replies.popleft() if self.replies else None

    def embeddings_reply(self, body: dict[str, Any]) -> dict[str, Any]:
        inputs = body.get("input", [])
        inputs = [inputs] if isinstance(inputs, str) else inputs
        data = []
        for index, text in enumerate(inputs):
            vector: Any = fake_embedding(str(text), self.dimension)
            if body.get("encoding_format") == "base64":  # what the openai client asks for
                vector = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
            data.append({"object": "embedding", "index": index, "embedding": vector})
        tokens = sum(len(str(text).split()) for text in inputs)
        return {
            "object": "list",
            "data": data,
            "model": body.get("model", "fake"),
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }


class FakeOpenAIServer:
    """Context manager running the fake server in a background thread."""

    def __init__(self, dimension: int = FAKE_DIMENSION) -> None:
        self._server = _Server(dimension)
        # a short poll interval: shutdown() waits for the loop to notice (0.5 s by default)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    @property
    def requests(self) -> list[dict[str, Any]]:
        return self._server.requests

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        """JSON bodies of the chat-completion requests received, in order."""
        return [r["body"] for r in self.requests if r["path"].rstrip("/") == "/v1/chat/completions"]

    def script(self, *replies: FakeReply | str) -> None:
        """Queue chat replies, one per coming request; a string is a plain 200 reply."""
        for reply in replies:
            self._server.replies.append(FakeReply(reply) if isinstance(reply, str) else reply)

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
