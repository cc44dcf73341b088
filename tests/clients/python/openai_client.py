"""Real Python OpenAI client instrumented with OpenTelemetry, for the Driftwatch end-to-end tests.

Usage (the venv comes from scripts/python-clients.sh):
    DRIFTWATCH_CLIENT_OPTIONS='{"otlpEndpoint": ..., "apiKey": ..., "openaiBaseUrl": ..., "userId": ..., "sessionId": ...}' \
        python openai_client.py openinference|otel|openllmetry

Flavours:
  openinference  openinference-instrumentation-openai; user/session via openinference using_attributes.
  otel           opentelemetry-instrumentation-openai-v2 on the latest experimental GenAI conventions, message content
                 on spans (OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental, ..._CAPTURE_MESSAGE_CONTENT=span_only).
  openllmetry    opentelemetry-instrumentation-openai (Traceloop OpenLLMetry), TRACELOOP_TRACE_CONTENT=true.

Calls: chat offering a tool (answered with a tool call), chat with the tool result, streamed chat with usage,
embeddings. Exports OTLP/HTTP protobuf with `Authorization: Bearer <apiKey>`, force-flushes, and prints one line
`DRIFTWATCH_CLIENT_RESULT <json>`.
"""

import json
import os
import sys
from importlib.metadata import version

RESULT_PREFIX = "DRIFTWATCH_CLIENT_RESULT "
CHAT_MODEL = "gpt-4o-mini"
EMBEDDING_MODEL = "text-embedding-3-small"
SYSTEM_PROMPT = "You are a concise assistant for the Driftwatch end-to-end tests."
WEATHER_QUESTION = "What is the weather in Paris today?"
PLAIN_QUESTION = "Say hello to Driftwatch in five words."
WEATHER_RESULT = {"city": "Paris", "temperature_c": 21, "conditions": "sunny"}
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "description": "City name"}},
            "required": ["city"],
            "additionalProperties": False,
        },
    },
}


def load_options():
    raw = os.environ.pop("DRIFTWATCH_CLIENT_OPTIONS", None)
    if raw:
        return json.loads(raw)
    return {
        "otlpEndpoint": os.environ["DRIFTWATCH_OTLP_ENDPOINT"],
        "apiKey": os.environ["DRIFTWATCH_API_KEY"],
        "openaiBaseUrl": os.environ["DRIFTWATCH_OPENAI_BASE_URL"],
        "userId": os.environ.get("DRIFTWATCH_USER_ID", "user-e2e"),
        "sessionId": os.environ.get("DRIFTWATCH_SESSION_ID", "session-e2e"),
    }


def main():
    flavour = sys.argv[1] if len(sys.argv) > 1 else ""
    if flavour not in ("openinference", "otel", "openllmetry"):
        print("usage: openai_client.py openinference|otel|openllmetry", file=sys.stderr)
        return 2
    options = load_options()

    # Content capture is opt-in for these instrumentations; set before they are imported.
    if flavour == "otel":
        os.environ["OTEL_SEMCONV_STABILITY_OPT_IN"] = "gen_ai_latest_experimental"
        os.environ["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"] = "span_only"
    if flavour == "openllmetry":
        os.environ["TRACELOOP_TRACE_CONTENT"] = "true"

    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExportResult

    # OTLP/gRPC when the options name a gRPC endpoint (host:port), else OTLP/HTTP protobuf.
    if options.get("grpcEndpoint"):
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcSpanExporter

        exporter_base = GrpcSpanExporter
        exporter_args = {
            "endpoint": options["grpcEndpoint"],
            "insecure": True,
            "headers": (("authorization", f"Bearer {options['apiKey']}"),),
        }
    else:
        exporter_base = OTLPSpanExporter
        exporter_args = None

    class CheckedExporter(exporter_base):
        """Remembers export results, so a refused export fails the run as it does for the Node clients."""

        failures = 0

        def export(self, spans):
            result = super().export(spans)
            if result != SpanExportResult.SUCCESS:
                CheckedExporter.failures += 1
            return result

    class Recorder(SpanProcessor):
        def __init__(self):
            self.trace_ids = []
            self.span_names = []

        def on_end(self, span):
            trace_id = format(span.context.trace_id, "032x")
            if trace_id not in self.trace_ids:
                self.trace_ids.append(trace_id)
            self.span_names.append(span.name)

    endpoint = options["otlpEndpoint"].rstrip("/")
    if not endpoint.endswith("/v1/traces"):
        endpoint += "/v1/traces"
    provider = TracerProvider(
        resource=Resource.create(
            {"service.name": f"driftwatch-e2e-python-{flavour}", "service.version": "0.1.0", "deployment.environment.name": "e2e"}
        )
    )
    provider.add_span_processor(
        BatchSpanProcessor(
            CheckedExporter(**exporter_args)
            if exporter_args
            else CheckedExporter(endpoint=endpoint, headers={"Authorization": f"Bearer {options['apiKey']}"}),
            schedule_delay_millis=60_000,
        )
    )
    recorder = Recorder()
    provider.add_span_processor(recorder)
    trace.set_tracer_provider(provider)

    if flavour == "openinference":
        from openinference.instrumentation.openai import OpenAIInstrumentor

        packages = ["openinference-instrumentation-openai", "openai", "opentelemetry-sdk"]
    elif flavour == "otel":
        from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor

        packages = ["opentelemetry-instrumentation-openai-v2", "openai", "opentelemetry-sdk"]
    else:
        from opentelemetry.instrumentation.openai import OpenAIInstrumentor

        packages = ["opentelemetry-instrumentation-openai", "openai", "opentelemetry-sdk"]
    OpenAIInstrumentor().instrument(tracer_provider=provider)

    import openai  # imported after instrumenting, as the instrumentations' docs ask

    client = openai.OpenAI(api_key="sk-fake", base_url=options["openaiBaseUrl"])

    if flavour == "openinference":
        from openinference.instrumentation import using_attributes

        scope = using_attributes(
            session_id=options["sessionId"],
            user_id=options["userId"],
            metadata={"tenant": "e2e", "feature": "weather"},
            tags=["e2e", "python-openinference"],
        )
    else:
        from contextlib import nullcontext

        scope = nullcontext()

    with scope:
        calls = make_calls(client, options["userId"])

    provider.force_flush()
    provider.shutdown()
    if CheckedExporter.failures:
        print(f"OTLP export failed {CheckedExporter.failures} time(s); see the exporter's log above", file=sys.stderr)
        return 1
    result = {
        "client": f"python-{flavour}",
        "traceIds": recorder.trace_ids,
        "spanNames": recorder.span_names,
        "calls": calls,
        "versions": {p: version(p) for p in packages},
    }
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0


def make_calls(client, user_id):
    calls = []
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": WEATHER_QUESTION}]
    first = client.chat.completions.create(model=CHAT_MODEL, messages=messages, tools=[WEATHER_TOOL], temperature=0, user=user_id)
    choice = first.choices[0]
    if not choice.message.tool_calls:
        raise RuntimeError("expected a tool call from the fake server")
    calls.append(f"chat {choice.finish_reason}")
    tool_call = choice.message.tool_calls[0]
    messages.append(choice.message.model_dump(exclude_none=True))
    messages.append({"role": "tool", "tool_call_id": tool_call.id, "content": json.dumps(WEATHER_RESULT)})
    second = client.chat.completions.create(model=CHAT_MODEL, messages=messages, tools=[WEATHER_TOOL], temperature=0, user=user_id)
    calls.append(f"chat {second.choices[0].finish_reason}")

    stream = client.chat.completions.create(
        model=CHAT_MODEL,
        messages=[{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": PLAIN_QUESTION}],
        stream=True,
        stream_options={"include_usage": True},
        user=user_id,
    )
    text = "".join((chunk.choices[0].delta.content or "") for chunk in stream if chunk.choices)
    if not text:
        raise RuntimeError("empty streamed answer")
    calls.append("chat stream")

    client.embeddings.create(model=EMBEDDING_MODEL, input=["drift detection", "token usage"])
    calls.append("embeddings")
    return calls


if __name__ == "__main__":
    sys.exit(main())
