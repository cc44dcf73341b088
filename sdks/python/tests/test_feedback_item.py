"""Feedback items are checked against the API contract where feedback() is called, naming the field."""

from __future__ import annotations

import pytest

import driftwatch
from driftwatch._feedback import build_item

TRACE = "0AF7651916CD43DD8448EB211C80319C"
SPAN = "b7ad6b7169203331"


def build(**overrides: object) -> dict:
    fields = {"trace_id": TRACE, "span_id": None, "name": "thumbs", "value": True, **overrides}
    return build_item(**fields)


def test_item_has_the_api_field_names_and_a_fixed_key_and_time() -> None:
    item = build(
        span_id=SPAN,
        value=4.5,
        comment="close",
        correction="The answer is 42.",
        user_id="u-1",
        metadata={"source": "web"},
        time_ms=1_767_225_600_000,
    )
    assert item == {
        "traceId": TRACE.lower(),
        "spanId": SPAN,
        "name": "thumbs",
        "value": 4.5,
        "comment": "close",
        "correction": "The answer is 42.",
        "userId": "u-1",
        "metadata": {"source": "web"},
        "idempotencyKey": item["idempotencyKey"],
        "timeMs": 1_767_225_600_000,
    }
    assert len(item["idempotencyKey"]) == 32
    assert build()["idempotencyKey"] != build()["idempotencyKey"]
    assert build(idempotency_key="mine")["idempotencyKey"] == "mine"


def test_ids_from_opentelemetry_integers_are_formatted() -> None:
    item = build_item(trace_id=0x0AF7651916CD43DD8448EB211C80319C, span_id=0xB7AD6B7169203331, name="n", value=1)
    assert item["traceId"] == TRACE.lower() and item["spanId"] == SPAN


def test_booleans_stay_booleans() -> None:
    assert build(value=False)["value"] is False
    assert build(value=0)["value"] == 0 and build(value=0)["value"] is not False


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"trace_id": None}, "trace_id or span_id"),
        ({"trace_id": "abc"}, "trace_id"),
        ({"trace_id": "0" * 32}, "trace_id"),
        ({"trace_id": None, "span_id": "xyz"}, "span_id"),
        ({"name": ""}, "name"),
        ({"name": "has space"}, "name"),
        ({"name": "n" * 65}, "name"),
        ({"value": float("nan")}, "value"),
        ({"value": "v" * 257}, "value"),
        ({"value": None}, "value"),
        ({"value": [1]}, "value"),
        ({"comment": "c" * 4001}, "comment"),
        ({"correction": "c" * 32769}, "correction"),
        ({"metadata": {"k": 1}}, "metadata"),
        ({"metadata": {f"k{i}": "v" for i in range(33)}}, "metadata"),
        ({"metadata": {"k" * 257: "v"}}, "metadata key"),
        ({"metadata": {"k": "v" * 4001}}, "metadata"),
        ({"user_id": "u" * 257}, "user_id"),
        ({"idempotency_key": "k" * 129}, "idempotency_key"),
        ({"idempotency_key": ""}, "idempotency_key"),
        ({"user_id": ""}, "user_id"),
        ({"time_ms": -1}, "time_ms"),
        ({"time_ms": 9_223_372_036_855}, "time_ms"),
    ],
)
def test_contract_violations_name_the_field(overrides: dict, field: str) -> None:
    with pytest.raises((ValueError, TypeError), match=field):
        build(**overrides)


def test_lengths_count_utf16_units_like_the_server() -> None:
    assert build(value="é" * 256)["value"]  # one unit each
    with pytest.raises(ValueError, match="value"):
        build(value="😀" * 129)  # two units each: 258


def test_feedback_before_init_says_so() -> None:
    with pytest.raises(RuntimeError, match="init"):
        driftwatch.feedback(trace_id=TRACE, name="thumbs", value=True)
