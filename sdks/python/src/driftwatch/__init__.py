"""Driftwatch SDK for Python: traces of LLM calls, who and what they were for, and end-user feedback.

    import driftwatch

    driftwatch.init(endpoint="http://localhost:4318", api_key="dw_...", service_name="support-bot",
                    release="2026.11.30", environment="production")
    with driftwatch.context(user_id="u-42", session_id="s-7", prompt_name="support", prompt_version="3"):
        answer = openai_client.chat.completions.create(...)
        trace_id = driftwatch.current_trace_id()
    driftwatch.feedback(trace_id=trace_id, name="thumbs", value=True)
"""

from __future__ import annotations

from typing import Mapping, Optional, Union

from opentelemetry import trace as _trace

from ._client import SDK_VERSION, Client, get_client, init, shutdown
from ._context import context
from ._feedback import FeedbackValue, build_item
from ._sender import FeedbackBufferFull, FeedbackDeliveryError, FeedbackStats

__version__ = SDK_VERSION
__all__ = [
    "Client",
    "FeedbackBufferFull",
    "FeedbackDeliveryError",
    "FeedbackStats",
    "context",
    "current_span_id",
    "current_trace_id",
    "feedback",
    "feedback_stats",
    "get_client",
    "flush",
    "init",
    "shutdown",
]


def feedback(
    *,
    name: str,
    value: FeedbackValue,
    trace_id: Optional[Union[str, int]] = None,
    span_id: Optional[Union[str, int]] = None,
    comment: Optional[str] = None,
    correction: Optional[str] = None,
    user_id: Optional[str] = None,
    metadata: Optional[Mapping[str, str]] = None,
    idempotency_key: Optional[str] = None,
    time_ms: Optional[int] = None,
) -> str:
    """Queues one judgement of a trace or span; sent in the background. Returns its idempotency key.

    Raises ValueError/TypeError naming the field when the item breaks the API's contract, and FeedbackBufferFull
    when the buffer is full (nothing is dropped silently). Pass the same `idempotency_key` when your own code may
    send the same judgement twice; the server stores it once.
    """
    item = build_item(
        trace_id=trace_id,
        span_id=span_id,
        name=name,
        value=value,
        comment=comment,
        correction=correction,
        user_id=user_id,
        metadata=metadata,
        idempotency_key=idempotency_key,
        time_ms=time_ms,
    )
    get_client().feedback.enqueue(item)
    return item["idempotencyKey"]


def feedback_stats() -> FeedbackStats:
    """Counts of feedback accepted, duplicates, failed, retries and pending, since init()."""
    return get_client().feedback.stats


def flush(timeout: float = 10.0) -> bool:
    """Sends buffered spans and feedback now; True when everything buffered was sent within `timeout` seconds."""
    return get_client().flush(timeout)


def current_trace_id() -> Optional[str]:
    """The active span's trace id (32 hex characters), or None outside a span."""
    context = _trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


def current_span_id() -> Optional[str]:
    """The active span's id (16 hex characters), or None outside a span."""
    context = _trace.get_current_span().get_span_context()
    return format(context.span_id, "016x") if context.is_valid else None


