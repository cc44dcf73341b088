"""driftwatch.context() puts user, session, tags, metadata and prompt on every span started inside it."""

from __future__ import annotations

import asyncio
import contextvars
import json
import threading

import pytest
from opentelemetry import context as otel_context
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import driftwatch


@pytest.fixture
def spans():
    """driftwatch.init() on an application's own provider, exporting to memory; yields (tracer, finished spans)."""
    provider = TracerProvider()
    mine = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(mine))  # the application's own exporter
    driftwatch_exporter = InMemorySpanExporter()
    driftwatch.init(
        endpoint="http://127.0.0.1:9",
        api_key="dw_test",
        tracer_provider=provider,
        span_exporter=driftwatch_exporter,
        instrument_openai=False,
    )
    tracer = provider.get_tracer("test")

    def finished() -> dict:
        assert driftwatch.flush(timeout=5)
        # The application's exporter sees the same attributes as Driftwatch's.
        assert {s.name for s in mine.get_finished_spans()} == {s.name for s in driftwatch_exporter.get_finished_spans()}
        return {s.name: dict(s.attributes or {}) for s in driftwatch_exporter.get_finished_spans()}

    yield tracer, finished
    driftwatch.shutdown(timeout=5)


def test_nested_blocks_and_spans_inherit_and_merge(spans) -> None:
    tracer, finished = spans
    with driftwatch.context(user_id="u-1", session_id="s-1", tags=["web"], metadata={"tenant": "acme"}):
        with tracer.start_as_current_span("request"):
            with driftwatch.context(tags=["beta", "web"], metadata={"plan": "pro"}, prompt_name="support", prompt_version="3"):
                with tracer.start_as_current_span("llm"):
                    with tracer.start_as_current_span("llm.child"):
                        pass
            with driftwatch.context(user_id="u-2"):
                with tracer.start_as_current_span("as-other-user"):
                    pass
    with tracer.start_as_current_span("outside"):
        pass

    got = finished()
    assert got["request"] == {
        "user.id": "u-1",
        "session.id": "s-1",
        "tag.tags": ("web",),
        "metadata": json.dumps({"tenant": "acme"}),
    }
    for name in ("llm", "llm.child"):
        assert got[name]["user.id"] == "u-1" and got[name]["session.id"] == "s-1"
        assert got[name]["tag.tags"] == ("web", "beta")
        assert json.loads(got[name]["metadata"]) == {"tenant": "acme", "plan": "pro"}
        assert got[name]["llm.prompt_template.name"] == "support"
        assert got[name]["llm.prompt_template.version"] == "3"
    assert got["as-other-user"]["user.id"] == "u-2" and got["as-other-user"]["session.id"] == "s-1"
    assert "llm.prompt_template.name" not in got["as-other-user"]
    assert got["outside"] == {}


def test_decorator_on_sync_and_async_functions(spans) -> None:
    tracer, finished = spans

    @driftwatch.context(user_id="u-sync", prompt_name="summarize")
    def summarize() -> str:
        with tracer.start_as_current_span("sync") as span:
            return format(span.get_span_context().trace_id, "032x")

    @driftwatch.context(session_id="s-async", tags=["async"])
    async def answer(n: int) -> None:
        with tracer.start_as_current_span(f"async-{n}"):
            await asyncio.sleep(0)

    async def both() -> None:
        await asyncio.gather(answer(1), answer(2))

    trace_id = summarize()
    asyncio.run(both())
    got = finished()
    assert got["sync"]["user.id"] == "u-sync" and got["sync"]["llm.prompt_template.name"] == "summarize"
    assert len(trace_id) == 32
    for name in ("async-1", "async-2"):
        assert got[name] == {"session.id": "s-async", "tag.tags": ("async",)}


def test_threads_given_the_context_carry_it(spans) -> None:
    tracer, finished = spans
    with driftwatch.context(user_id="u-thread"):
        ctx = contextvars.copy_context()
        worker = threading.Thread(target=ctx.run, args=(lambda: tracer.start_span("in-thread").end(),))
        worker.start()
        worker.join()
    got = finished()
    assert got["in-thread"]["user.id"] == "u-thread"


def test_explicit_parent_context_still_gets_the_block(spans) -> None:
    tracer, finished = spans
    with tracer.start_as_current_span("incoming") as parent:
        remote_parent = trace.set_span_in_context(parent, otel_context.Context())
    with driftwatch.context(user_id="u-remote"):
        tracer.start_span("handler", context=remote_parent).end()
    got = finished()
    assert got["handler"]["user.id"] == "u-remote"


def test_current_ids_inside_and_outside_spans(spans) -> None:
    tracer, _ = spans
    assert driftwatch.current_trace_id() is None and driftwatch.current_span_id() is None
    with tracer.start_as_current_span("s") as span:
        assert driftwatch.current_trace_id() == format(span.get_span_context().trace_id, "032x")
        assert driftwatch.current_span_id() == format(span.get_span_context().span_id, "016x")


def test_bad_arguments_fail_at_the_call() -> None:
    with pytest.raises(TypeError, match="tags"):
        driftwatch.context(tags="one-string")
    with pytest.raises(TypeError, match="user_id"):
        driftwatch.context(user_id=["u"])


def test_joining_an_app_provider_sends_release_and_environment_to_driftwatch_only() -> None:
    provider = TracerProvider(resource=Resource.create({"service.name": "app", "team": "support"}))
    mine = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(mine))
    theirs = InMemorySpanExporter()
    client = driftwatch.init(
        endpoint="http://127.0.0.1:9",
        api_key="dw_test",
        release="9.9.0",
        environment="staging",
        tracer_provider=provider,
        span_exporter=theirs,
        instrument_openai=False,
    )
    try:
        with driftwatch.context(user_id="u-joined"):
            provider.get_tracer("test").start_span("joined").end()
        assert driftwatch.flush(timeout=5)
    finally:
        driftwatch.shutdown(timeout=5)
    assert client.tracer_provider is provider
    [exported] = theirs.get_finished_spans()
    assert exported.name == "joined" and exported.attributes["user.id"] == "u-joined"
    assert exported.resource.attributes["service.name"] == "app"
    assert exported.resource.attributes["team"] == "support"
    assert exported.resource.attributes["service.version"] == "9.9.0"
    assert exported.resource.attributes["deployment.environment.name"] == "staging"
    [own] = mine.get_finished_spans()
    assert "service.version" not in own.resource.attributes  # the app's own export is untouched
    # The OTLP encoder takes the overlaid spans as it takes the SDK's.
    request = encode_spans(theirs.get_finished_spans())
    [resource_spans] = request.resource_spans
    resource = {kv.key: kv.value.string_value for kv in resource_spans.resource.attributes}
    assert resource["service.version"] == "9.9.0" and resource["service.name"] == "app"
    assert [s.name for s in resource_spans.scope_spans[0].spans] == ["joined"]
