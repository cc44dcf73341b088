"""One feedback item, checked against the server's contract (POST /api/feedback) before it is buffered.

Checking here means a bad call fails where it was made, with the field named, instead of a 400 seconds later on a
background thread. Lengths are counted as the server counts them (UTF-16 code units, as JavaScript strings do).
"""

from __future__ import annotations

import math
import re
import time
import uuid
from typing import Any, Mapping, Optional, Union

FeedbackValue = Union[bool, int, float, str]

_TRACE_ID = re.compile(r"^[0-9a-fA-F]{32}$")
_SPAN_ID = re.compile(r"^[0-9a-fA-F]{16}$")
_NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
MAX_VALUE_CHARS = 256
MAX_COMMENT_CHARS = 4000
MAX_CORRECTION_CHARS = 32768
MAX_IDEMPOTENCY_KEY_CHARS = 128
MAX_USER_ID_CHARS = 256
MAX_METADATA_ENTRIES = 32
MAX_METADATA_KEY_CHARS = 256
MAX_METADATA_VALUE_CHARS = 4000
MAX_TIME_MS = 9_223_372_036_854  # the server's latest instant (ClickHouse DateTime64(3))


def _js_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _bounded_text(field: str, value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise TypeError(f"feedback {field} must be a string, got {type(value).__name__}")
    if _js_length(value) > limit:
        raise ValueError(f"feedback {field} is longer than {limit} characters")
    return value


def _hex_id(field: str, value: Any, pattern: "re.Pattern[str]", digits: int) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = format(value, f"0{digits}x")  # an OpenTelemetry SpanContext id
    if not isinstance(value, str) or not pattern.match(value) or set(value) == {"0"}:
        raise ValueError(f"feedback {field} must be {digits} hexadecimal characters, not all zero")
    return value.lower()


def _metadata(metadata: Any) -> dict:
    if not isinstance(metadata, Mapping):
        raise TypeError("feedback metadata must map strings to strings")
    if len(metadata) > MAX_METADATA_ENTRIES:
        raise ValueError(f"feedback metadata has more than {MAX_METADATA_ENTRIES} entries")
    out = {}
    for key, value in metadata.items():
        _bounded_text("metadata key", key, MAX_METADATA_KEY_CHARS)
        out[key] = _bounded_text(f"metadata[{key!r}]", value, MAX_METADATA_VALUE_CHARS)
    return out


def build_item(
    *,
    trace_id: Optional[Union[str, int]],
    span_id: Optional[Union[str, int]],
    name: str,
    value: FeedbackValue,
    comment: Optional[str] = None,
    correction: Optional[str] = None,
    user_id: Optional[str] = None,
    metadata: Optional[Mapping[str, str]] = None,
    idempotency_key: Optional[str] = None,
    time_ms: Optional[int] = None,
) -> dict:
    """The JSON item for the API. Raises ValueError/TypeError naming the field that breaks the contract.

    The idempotency key (generated when absent) and the time are fixed here, so every retry sends the same item and
    the server stores it once.
    """
    if trace_id is None and span_id is None:
        raise ValueError("feedback needs trace_id or span_id")
    item: dict = {}
    if trace_id is not None:
        item["traceId"] = _hex_id("trace_id", trace_id, _TRACE_ID, 32)
    if span_id is not None:
        item["spanId"] = _hex_id("span_id", span_id, _SPAN_ID, 16)
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError("feedback name must be 1 to 64 characters of letters, digits, '_', '.', ':' or '-'")
    item["name"] = name
    if isinstance(value, bool):
        item["value"] = value
    elif isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ValueError("feedback value must be a finite number")
        item["value"] = value
    elif isinstance(value, str):
        item["value"] = _bounded_text("value", value, MAX_VALUE_CHARS)
    else:
        raise TypeError(f"feedback value must be a number, a boolean or a string, got {type(value).__name__}")
    if comment is not None:
        item["comment"] = _bounded_text("comment", comment, MAX_COMMENT_CHARS)
    if correction is not None:
        item["correction"] = _bounded_text("correction", correction, MAX_CORRECTION_CHARS)
    if user_id is not None:
        item["userId"] = _bounded_text("user_id", user_id, MAX_USER_ID_CHARS)
        if not user_id:
            raise ValueError("feedback user_id must not be empty")
    if metadata is not None:
        item["metadata"] = _metadata(metadata)
    if idempotency_key is None:
        idempotency_key = uuid.uuid4().hex
    item["idempotencyKey"] = _bounded_text("idempotency_key", idempotency_key, MAX_IDEMPOTENCY_KEY_CHARS)
    if not idempotency_key:
        raise ValueError("feedback idempotency_key must not be empty")
    if time_ms is None:
        time_ms = int(time.time() * 1000)
    if not isinstance(time_ms, int) or isinstance(time_ms, bool) or not 0 <= time_ms <= MAX_TIME_MS:
        raise ValueError("feedback time_ms must be a non-negative integer (milliseconds since the epoch)")
    item["timeMs"] = time_ms
    return item
