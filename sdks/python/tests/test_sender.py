"""FeedbackSender against a local HTTP server: batching, retries, Retry-After, idempotency, bounds, failures."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest
from conftest import accepted

from driftwatch._feedback import build_item
from driftwatch._sender import FeedbackBufferFull, FeedbackSender, parse_retry_after

TRACE = "0af7651916cd43dd8448eb211c80319c"


def item(name: str = "thumbs", value: object = True, **extra: object) -> dict:
    return build_item(trace_id=TRACE, span_id=None, name=name, value=value, **extra)


def make_sender(url: str, sleeps: list, **options: object) -> FeedbackSender:
    """A sender whose waits are recorded rather than slept, so tests check the delays without timing anything.
    Its linger is long, so batches are cut by size or flush() only, never by how fast the test enqueues."""
    options = {"linger_seconds": 60, **options}
    return FeedbackSender(f"{url}/api/feedback", "dw_test_key", sleep=sleeps.append, **options)


def test_batches_post_items_with_the_bearer_key(scripted_server) -> None:
    server = scripted_server(lambda body, n: accepted(body))
    sender = make_sender(server.url, [], batch_size=100)
    for i in range(250):
        sender.enqueue(item(value=i))
    assert sender.flush(timeout=10)
    assert [r["path"] for r in server.requests] == ["/api/feedback"] * 3
    assert [len(r["body"]["items"]) for r in server.requests] == [100, 100, 50]
    assert all(r["headers"]["Authorization"] == "Bearer dw_test_key" for r in server.requests)
    sent = [i["value"] for r in server.requests for i in r["body"]["items"]]
    assert sent == list(range(250))
    assert sender.stats.accepted == 250 and sender.stats.pending == 0
    assert sender.shutdown(timeout=5)


def test_items_are_sent_without_flush_once_they_have_waited_the_linger(scripted_server) -> None:
    server = scripted_server(lambda body, n: accepted(body))
    sender = make_sender(server.url, [], linger_seconds=0.05)
    sender.enqueue(item())
    deadline = time.monotonic() + 10  # a guard, not a measurement
    while not server.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(server.requests) == 1 and sender.stats.pending in (0, 1)


def test_429_is_retried_after_what_retry_after_says_with_the_same_idempotency_keys(scripted_server) -> None:
    server = scripted_server(
        lambda body, n: (429, {"Retry-After": "7"}, {"message": "slow down"}) if n == 1 else accepted(body)
    )
    sleeps: list = []
    sender = make_sender(server.url, sleeps)
    sender.enqueue(item(name="thumbs"))
    sender.enqueue(item(name="score", value=0.5, idempotency_key="my-key-1"))
    assert sender.flush(timeout=10)
    assert sleeps == [7.0]
    assert len(server.requests) == 2
    first, second = (r["body"]["items"] for r in server.requests)
    assert first == second  # same items, same keys, same times: the server stores each once
    keys = [i["idempotencyKey"] for i in first]
    assert keys[1] == "my-key-1" and len(keys[0]) == 32
    assert sender.stats.accepted == 2 and sender.stats.retries == 1 and sender.stats.failed == 0


def test_5xx_and_dropped_connections_back_off_exponentially_then_deliver(scripted_server) -> None:
    def respond(body: dict, n: int):
        if n == 1:
            return None  # connection closed without an answer
        if n in (2, 3):
            return 503, {}, {"message": "not ready"}
        return accepted(body)

    server = scripted_server(respond)
    sleeps: list = []
    sender = make_sender(server.url, sleeps, max_backoff=30.0)
    sender.enqueue(item())
    assert sender.flush(timeout=10)
    assert len(server.requests) == 4
    # 0.5 s doubling, with jitter between half and all of it
    assert len(sleeps) == 3
    for attempt, delay in enumerate(sleeps):
        assert 0.25 * 2**attempt <= delay <= 0.5 * 2**attempt
    assert sender.stats.accepted == 1 and sender.stats.retries == 3


def test_unreachable_server_keeps_items_until_it_answers(scripted_server) -> None:
    sleeps: list = []
    ready = threading.Event()
    server = scripted_server(lambda body, n: accepted(body))
    sender = make_sender("http://127.0.0.1:9", sleeps)  # discard port: refused

    def sleep(delay: float) -> None:
        sleeps.append(delay)
        if len(sleeps) == 3:
            sender._url = f"{server.url}/api/feedback"  # the server comes back
            ready.set()

    sender._sleep = sleep
    sender.enqueue(item())
    assert sender.flush(timeout=10)
    assert ready.is_set() and sender.stats.accepted == 1 and sender.stats.failed == 0


def test_full_buffer_raises_and_nothing_is_dropped(scripted_server) -> None:
    release = threading.Event()

    def respond(body: dict, n: int):
        release.wait(10)
        return accepted(body)

    server = scripted_server(respond)
    sender = make_sender(server.url, [], max_buffer=3, batch_size=2)
    for i in range(3):
        sender.enqueue(item(value=i))
    with pytest.raises(FeedbackBufferFull):
        sender.enqueue(item(value=99))
    assert sender.stats.pending == 3
    release.set()
    assert sender.flush(timeout=10)
    sender.enqueue(item(value=3))  # room again once delivered
    assert sender.flush(timeout=10)
    sent = sorted(i["value"] for r in server.requests for i in r["body"]["items"])
    assert sent == [0, 1, 2, 3]


def refuse_items_named(reject: str, name_them: bool):
    """A contract server that refuses a batch whole when an item is named `reject`, naming the bad indexes or not."""

    def respond(body: dict, n: int):
        bad = [i for i, item in enumerate(body["items"]) if item["name"] == reject]
        if not bad:
            return accepted(body)
        message = "; ".join(f"items[{i}].value: out of the rubric's range" for i in bad) if name_them else "invalid"
        return 400, {}, {"message": message}

    return respond


def test_400_naming_items_fails_only_those_and_resends_the_rest(scripted_server) -> None:
    server = scripted_server(refuse_items_named("rejected", name_them=True))
    failures: list = []
    sender = FeedbackSender(
        f"{server.url}/api/feedback", "k", sleep=lambda s: None, linger_seconds=10, on_error=failures.append
    )
    for i in range(6):
        sender.enqueue(item(name="rejected" if i in (1, 4) else "thumbs", value=i))
    assert sender.flush(timeout=10)
    assert [len(r["body"]["items"]) for r in server.requests] == [6, 4]
    assert len(failures) == 1 and [i["value"] for i in failures[0].items] == [1, 4]
    assert failures[0].status == 400 and "items[1].value" in failures[0].reason
    assert sender.stats.accepted == 4 and sender.stats.failed == 2 and sender.stats.retries == 0


def test_400_without_names_halves_until_the_bad_item_stands_alone(scripted_server) -> None:
    server = scripted_server(refuse_items_named("rejected", name_them=False))
    failures: list = []
    sender = FeedbackSender(
        f"{server.url}/api/feedback", "k", sleep=lambda s: None, linger_seconds=10, on_error=failures.append
    )
    for i in range(5):
        sender.enqueue(item(name="rejected" if i == 3 else "thumbs", value=i))
    assert sender.flush(timeout=10)
    assert [i["value"] for f in failures for i in f.items] == [3]
    delivered = sorted(i["value"] for r in server.requests if "rejected" not in str(r["body"]) for i in r["body"]["items"])
    assert delivered == [0, 1, 2, 4]
    assert sender.stats.accepted == 4 and sender.stats.failed == 1


def test_batches_stay_under_the_servers_body_limit(scripted_server) -> None:
    server = scripted_server(lambda body, n: accepted(body))
    sender = make_sender(server.url, [], batch_size=200)
    long_text = "x" * 32768
    for i in range(200):  # about 6.6 MB of corrections in one batch of 200
        sender.enqueue(item(value=i, correction=long_text))
    assert sender.flush(timeout=30)
    sizes = [len(json.dumps(r["body"], separators=(",", ":"))) for r in server.requests]
    assert len(sizes) > 1 and max(sizes) <= 4 * 1024 * 1024
    assert sorted(i["value"] for r in server.requests for i in r["body"]["items"]) == list(range(200))


def test_401_is_reported_not_retried(scripted_server, caplog) -> None:
    server = scripted_server(lambda body, n: (401, {}, {"message": "unknown API key"}))
    failures: list = []
    sender = FeedbackSender(f"{server.url}/api/feedback", "dw_secret_value", on_error=failures.append)
    sender.enqueue(item())
    assert sender.flush(timeout=10)
    assert len(server.requests) == 1
    assert failures[0].status == 401 and len(failures[0].items) == 1
    assert "unknown API key" in caplog.text and "dw_secret_value" not in caplog.text
    assert not sender.shutdown(timeout=1)  # something failed


def test_shutdown_reports_what_its_deadline_left_undelivered(scripted_server) -> None:
    server = scripted_server(lambda body, n: (503, {"Retry-After": "60"}, {"message": "down"}))
    failures: list = []
    sender = FeedbackSender(f"{server.url}/api/feedback", "k", linger_seconds=0.01, on_error=failures.append)
    for i in range(3):
        sender.enqueue(item(value=i))
    assert not sender.flush(timeout=0.3)  # still retrying
    assert not sender.shutdown(timeout=0.5)
    assert sorted(i["value"] for f in failures for i in f.items) == [0, 1, 2]
    assert sender.stats.failed == 3 and sender.stats.pending == 0
    with pytest.raises(RuntimeError):
        sender.enqueue(item())


def test_retry_after_as_seconds_or_http_date() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_a_forked_child_sends_its_own_items_not_the_parents(scripted_server) -> None:
    server = scripted_server(lambda body, n: accepted(body))
    sender = make_sender(server.url, [], linger_seconds=60)
    sender.enqueue(item(name="parent"))  # not sent yet (long linger) when the fork happens
    pid = os.fork()
    if pid == 0:
        try:
            sender.enqueue(item(name="child"))
            os._exit(0 if sender.flush(timeout=10) and sender.stats.accepted == 1 else 1)
        finally:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert sender.flush(timeout=10)
    names = sorted(i["name"] for r in server.requests for i in r["body"]["items"])
    assert names == ["child", "parent"]
