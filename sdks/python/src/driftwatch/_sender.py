"""Buffered feedback delivery: a bounded buffer, one background thread, batches to POST {endpoint}/api/feedback.

Promises: an item accepted by `enqueue` is delivered, or reported (log at ERROR, `on_error`, `stats.failed`) when the
server refuses it for good or shutdown's deadline passes; it is never dropped silently. A full buffer raises
`FeedbackBufferFull` at the call. 429, 408, 5xx and network errors are retried with exponential backoff and jitter,
waiting what Retry-After says when it is present; every retry sends the same items with the same idempotency keys,
so the server stores each once. A 400 or 413 on a batch reports only the items it names (or halves the batch until they stand alone), so one bad
item does not sink the others.
Standard library only (urllib), so the SDK adds no HTTP client to an application.
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
import threading
import time
import urllib.error
import urllib.request
import weakref
from collections import deque
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from http.client import HTTPException
from typing import Callable, List, Optional, Union

logger = logging.getLogger("driftwatch")

MAX_ITEMS_PER_REQUEST = 500  # the server's limits
MAX_BODY_BYTES = 4 * 1024 * 1024
_NAMED_ITEM = re.compile(r"items\[(\d+)\]")
_MAX_RESPONSE_BYTES = 1 << 20


class FeedbackBufferFull(RuntimeError):
    """The feedback buffer is full (the server is unreachable or slower than the application): nothing was queued."""


class FeedbackDeliveryError(Exception):
    """Items the server refused for good (4xx other than 408/429), or not delivered before shutdown's deadline."""

    def __init__(self, reason: str, items: List[dict], status: Optional[int] = None) -> None:
        super().__init__(f"{len(items)} feedback item(s) not delivered: {reason}")
        self.reason = reason
        self.items = items
        self.status = status


@dataclass
class FeedbackStats:
    accepted: int = 0
    duplicates: int = 0
    failed: int = 0
    retries: int = 0
    pending: int = 0


@dataclass
class _Ok:
    accepted: int
    duplicates: int


@dataclass
class _Retry:
    reason: str
    retry_after: Optional[float]


@dataclass
class _Reject:
    status: int
    reason: str


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Seconds to wait from a Retry-After header (delay-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class FeedbackSender:
    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        max_buffer: int = 10_000,
        batch_size: int = 100,
        linger_seconds: float = 1.0,
        request_timeout: float = 10.0,
        max_backoff: float = 30.0,
        max_retry_after: float = 300.0,
        on_error: Optional[Callable[[FeedbackDeliveryError], None]] = None,
        sleep: Optional[Callable[[float], None]] = None,
        user_agent: str = "driftwatch-python",
    ) -> None:
        if not 1 <= batch_size <= MAX_ITEMS_PER_REQUEST:
            raise ValueError(f"batch_size must be between 1 and {MAX_ITEMS_PER_REQUEST}")
        if max_buffer < 1:
            raise ValueError("max_buffer must be at least 1")
        self._url = url
        self._headers = {
            "Authorization": f"Bearer {api_key}",
            "Content-Type": "application/json",
            "User-Agent": user_agent,
        }
        self._max_buffer = max_buffer
        self._batch_size = batch_size
        self._linger = linger_seconds
        self._request_timeout = request_timeout
        self._max_backoff = max_backoff
        self._max_retry_after = max_retry_after
        self._on_error = on_error
        self._sleep = sleep or self._pause
        self._opener = urllib.request.build_opener()

        self._cond = threading.Condition()
        self._queue: deque = deque()
        self._in_flight = 0  # taken by the worker, not yet delivered or reported
        self._first_queued_at = 0.0
        self._flush_waiters = 0
        self._closing = False
        self._give_up_at: Optional[float] = None
        self._thread: Optional[threading.Thread] = None
        self._stats = FeedbackStats()
        if hasattr(os, "register_at_fork"):
            this = weakref.ref(self)
            os.register_at_fork(after_in_child=lambda: _after_fork(this))

    def _reset_after_fork(self) -> None:
        """A forked child (a pre-forking web server's worker) has no sender thread and may have inherited a held
        lock. The items it inherited are the parent's to send; the child starts with an empty buffer."""
        self._cond = threading.Condition()
        self._queue = deque()
        self._in_flight = 0
        self._flush_waiters = 0
        self._thread = None
        self._stats = FeedbackStats()

    # --- application side -------------------------------------------------------------------------------------

    def enqueue(self, item: dict) -> None:
        with self._cond:
            if self._closing:
                raise RuntimeError("driftwatch feedback sender is shut down")
            if len(self._queue) + self._in_flight >= self._max_buffer:
                raise FeedbackBufferFull(
                    f"driftwatch feedback buffer is full ({self._max_buffer} items waiting to be sent)"
                )
            if not self._queue:
                self._first_queued_at = time.monotonic()
            self._queue.append(item)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="driftwatch-feedback", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Sends what is buffered now; True when nothing is left (delivered, or reported as failed)."""
        with self._cond:
            self._flush_waiters += 1
            self._cond.notify_all()
            try:
                return self._cond.wait_for(lambda: not self._queue and self._in_flight == 0, timeout)
            finally:
                self._flush_waiters -= 1

    def shutdown(self, timeout: float = 10.0) -> bool:
        """Delivers what it can within `timeout` seconds, reports the rest, stops the thread. True when all was sent."""
        with self._cond:
            if not self._closing:
                self._closing = True
                self._give_up_at = time.monotonic() + timeout
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout + self._request_timeout)
        with self._cond:
            left = list(self._queue)
            self._queue.clear()
            busy = self._in_flight
        if left:
            self._report(FeedbackDeliveryError("not sent before shutdown's deadline", left))
        if busy:
            logger.error("driftwatch: %d feedback item(s) still being sent at shutdown's deadline", busy)
        return not left and not busy and self._stats.failed == 0

    @property
    def stats(self) -> FeedbackStats:
        with self._cond:
            return FeedbackStats(
                accepted=self._stats.accepted,
                duplicates=self._stats.duplicates,
                failed=self._stats.failed,
                retries=self._stats.retries,
                pending=len(self._queue) + self._in_flight,
            )

    # --- background thread ------------------------------------------------------------------------------------

    def _ready(self) -> bool:
        if not self._queue:
            return False
        if len(self._queue) >= self._batch_size or self._flush_waiters or self._closing:
            return True
        return time.monotonic() - self._first_queued_at >= self._linger

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._ready():
                    if self._closing and not self._queue:
                        return
                    waited = time.monotonic() - self._first_queued_at
                    self._cond.wait(max(0.0, self._linger - waited) if self._queue else None)
                batch = [self._queue.popleft() for _ in range(min(self._batch_size, len(self._queue)))]
                self._in_flight = len(batch)
                if self._queue:
                    self._first_queued_at = time.monotonic()
            try:
                if self._past_deadline():
                    self._report(FeedbackDeliveryError("not sent before shutdown's deadline", batch))
                else:
                    self._deliver(batch)
            except Exception as error:  # a bug here must not lose items silently nor kill the thread
                self._report(FeedbackDeliveryError(f"unexpected error: {error!r}", batch))
            with self._cond:
                self._in_flight = 0
                self._cond.notify_all()

    def _deliver(self, batch: List[dict]) -> None:
        body = json.dumps({"items": batch}, separators=(",", ":")).encode("utf-8")
        if len(body) > MAX_BODY_BYTES and len(batch) > 1:  # long corrections: two requests instead of a 413
            half = len(batch) // 2
            self._deliver(batch[:half])
            self._deliver(batch[half:])
            return
        attempt = 0
        while True:
            outcome = self._post(body, len(batch))
            if isinstance(outcome, _Ok):
                with self._cond:
                    self._stats.accepted += outcome.accepted
                    self._stats.duplicates += outcome.duplicates
                return
            if isinstance(outcome, _Reject):
                if outcome.status in (400, 413) and len(batch) > 1:
                    self._deliver_good_items(batch, outcome)
                else:
                    self._report(FeedbackDeliveryError(outcome.reason, batch, outcome.status))
                return
            if self._past_deadline():
                self._report(FeedbackDeliveryError(f"not delivered before shutdown's deadline ({outcome.reason})", batch))
                return
            if outcome.retry_after is not None:
                delay = min(outcome.retry_after, self._max_retry_after)
            else:
                delay = min(self._max_backoff, 0.5 * 2**attempt) * random.uniform(0.5, 1.0)
            attempt += 1
            with self._cond:
                self._stats.retries += 1
            logger.debug("driftwatch: feedback batch not accepted (%s); retrying in %.1fs", outcome.reason, delay)
            self._sleep(delay)

    def _deliver_good_items(self, batch: List[dict], refusal: _Reject) -> None:
        """The server refuses a batch whole (only it knows a project's rubric): the items its 400 names
        (`items[3].value: ...`) are reported and the rest sent again; without names, or on 413, the batch is halved
        until the bad items stand alone."""
        named = {int(i) for i in _NAMED_ITEM.findall(refusal.reason) if int(i) < len(batch)}
        if refusal.status == 400 and named:
            self._report(FeedbackDeliveryError(refusal.reason, [batch[i] for i in sorted(named)], refusal.status))
            rest = [item for i, item in enumerate(batch) if i not in named]
            if rest:
                self._deliver(rest)
            return
        half = len(batch) // 2
        self._deliver(batch[:half])
        self._deliver(batch[half:])

    def _post(self, body: bytes, count: int) -> Union[_Ok, _Retry, _Reject]:
        request = urllib.request.Request(self._url, data=body, method="POST", headers=self._headers)
        try:
            with self._opener.open(request, timeout=self._request_timeout) as response:
                answer = json.loads(response.read(_MAX_RESPONSE_BYTES) or b"{}")
            accepted = answer.get("accepted", count) if isinstance(answer, dict) else count
            duplicates = answer.get("duplicates", 0) if isinstance(answer, dict) else 0
            return _Ok(accepted=int(accepted), duplicates=int(duplicates))
        except urllib.error.HTTPError as error:
            reason = f"HTTP {error.code}: {_message_of(error)}"
            if error.code in (408, 429) or error.code >= 500:
                return _Retry(reason, parse_retry_after(error.headers.get("Retry-After")))
            return _Reject(error.code, reason)
        except (urllib.error.URLError, HTTPException, OSError, ValueError) as error:
            # ValueError: a 200 whose body is not JSON (a proxy page); the items may not be stored, so send again.
            return _Retry(f"{type(error).__name__}: {error}", None)

    def _past_deadline(self) -> bool:
        with self._cond:
            return self._give_up_at is not None and time.monotonic() >= self._give_up_at

    def _pause(self, seconds: float) -> None:
        """Sleeps, cut short at shutdown's deadline."""
        end = time.monotonic() + seconds
        with self._cond:
            while True:
                limit = end if self._give_up_at is None else min(end, self._give_up_at)
                now = time.monotonic()
                if now >= limit:
                    return
                self._cond.wait(limit - now)

    def _report(self, error: FeedbackDeliveryError) -> None:
        with self._cond:
            self._stats.failed += len(error.items)
        logger.error("driftwatch: %s", error)
        if self._on_error is not None:
            try:
                self._on_error(error)
            except Exception:  # the application's callback must not stop delivery
                logger.exception("driftwatch: on_feedback_error callback raised")


def _after_fork(sender: "weakref.ref[FeedbackSender]") -> None:
    live = sender()
    if live is not None:
        live._reset_after_fork()


def _message_of(error: urllib.error.HTTPError) -> str:
    try:
        text = error.read(4096).decode("utf-8", "replace")
    except Exception:
        return error.reason if isinstance(error.reason, str) else ""
    try:
        parsed = json.loads(text)
        if isinstance(parsed, dict) and isinstance(parsed.get("message"), (str, list)):
            return str(parsed["message"])
    except ValueError:
        pass
    return text.strip()[:500]
