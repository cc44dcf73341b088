"""Run by test_init.py in a fresh interpreter (init() sets process-wide OpenTelemetry state): driftwatch.init() with
no provider of the application's, a real OTLP exporter to a local recording server, and a real OpenAI client (with
the OpenInference instrumentation) against a local fake. Prints one JSON line of what it saw."""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry import trace
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import driftwatch

otlp_requests = []
CHAT = {
    "id": "chatcmpl-probe",
    "object": "chat.completion",
    "created": 1767225600,
    "model": "gpt-4o-mini",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello there"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7},
}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/v1/chat/completions":
            data = json.dumps(CHAT).encode()
            content_type = "application/json"
        else:
            otlp_requests.append(
                {"path": self.path, "auth": self.headers.get("Authorization"), "type": self.headers.get("Content-Type"), "bytes": len(body)}
            )
            data, content_type = b"", "application/x-protobuf"
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=httpd.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{httpd.server_address[1]}"

client = driftwatch.init(
    endpoint=base + "/", api_key="dw_probe_key", service_name="probe-app", release="1.2.3", environment="staging"
)
memory = InMemorySpanExporter()
client.tracer_provider.add_span_processor(SimpleSpanProcessor(memory))

import openai  # noqa: E402 - after init, as the instrumentation asks

llm = openai.OpenAI(api_key="sk-fake", base_url=base + "/v1")
with driftwatch.context(user_id="u-probe", session_id="s-probe", prompt_name="greeting", prompt_version="7"):
    with trace.get_tracer("probe").start_as_current_span("handle_request"):
        llm.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
        trace_id = driftwatch.current_trace_id()
flushed = driftwatch.flush(timeout=10)
spans = memory.get_finished_spans()
print(
    json.dumps(
        {
            "flushed": flushed,
            "globalIsOurs": trace.get_tracer_provider() is client.tracer_provider,
            "traceId": trace_id,
            "spans": [
                {
                    "name": s.name,
                    "traceId": format(s.context.trace_id, "032x"),
                    "attributes": dict(s.attributes),
                    "resource": dict(s.resource.attributes),
                }
                for s in spans
            ],
            "otlp": otlp_requests,
        },
        default=list,
    )
)
sys.stdout.flush()
driftwatch.shutdown()
