"""One deadline per answer. RAG_LLM_TIMEOUT_S bounds the whole answer: the rewrite of a
follow-up, the answer itself and every retry. A slow or failing server therefore falls
back to the offline answer within the deadline, not after timeout x attempts.

Retries are ours, not the openai client's (whose retries each get a full timeout): only
a rate limit (429), a server error (5xx) or a refused connection is tried again, and only
while the deadline leaves time for it. A timeout is not retried: it has spent the time.
The answer chain makes one :class:`Deadline` per answer and hands it to every call.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import httpx
import openai

T = TypeVar("T")
FIRST_PAUSE_S = 0.5  # pause before the first retry when the server names none; doubles after
MIN_ATTEMPT_S = 0.05  # less time than this left: no new attempt is started


@dataclass
class Deadline:
    """The time one answer may take, and how many retries it may spend."""

    seconds: float
    retries: int = 0
    started: float = field(default_factory=time.monotonic)

    def remaining(self) -> float:
        return self.seconds - (time.monotonic() - self.started)


class DeadlineExceeded(openai.APITimeoutError):
    """The answer's deadline passed (between attempts, or before one could start)."""


def retryable(exc: BaseException) -> bool:
    if isinstance(exc, openai.APITimeoutError):
        return False  # the time is spent
    if isinstance(exc, openai.APIConnectionError):
        return True  # refused or dropped: a restarting local server
    if not isinstance(exc, openai.APIStatusError):
        return False
    told = exc.response.headers.get("x-should-retry", "").lower()  # OpenAI's own hint
    if told in ("true", "false"):
        return told == "true"
    return exc.status_code == 429 or exc.status_code >= 500


def _pause(exc: BaseException, attempt: int) -> float:
    """The server's Retry-After (milliseconds or seconds) if it gives one, else a backoff."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        try:
            value = float(headers.get(name, "")) * scale
        except ValueError:
            continue
        if value > 0:
            return value
    return FIRST_PAUSE_S * 2 ** (attempt - 1)


def call_within(deadline: Deadline, call: Callable[[float], T]) -> T:
    """``call(seconds_left)`` until it succeeds, retrying what :func:`retryable` allows
    while the deadline has time; raises the last error, or :class:`DeadlineExceeded`."""
    attempt = 0
    while True:
        left = deadline.remaining()
        if left < MIN_ATTEMPT_S:
            raise DeadlineExceeded(request=httpx.Request("POST", "about:deadline"))
        try:
            return call(left)
        except openai.APIError as exc:
            attempt += 1
            if not retryable(exc) or attempt > deadline.retries:
                raise
            pause = _pause(exc, attempt)
            if pause > deadline.remaining() - MIN_ATTEMPT_S:
                raise  # no time for the pause and another attempt: the caller falls back
            time.sleep(pause)
