"""`init()`: OpenTelemetry export to Driftwatch, OpenAI instrumentation, the context processor and the feedback sender."""

from __future__ import annotations

import atexit
import logging
import os
from typing import Any, Callable, Dict, Optional, Sequence

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

from ._context import ContextSpanProcessor
from ._sender import FeedbackDeliveryError, FeedbackSender

logger = logging.getLogger("driftwatch")

SDK_VERSION = "0.1.0"


class Client:
    """What `init()` set up; `driftwatch.flush()` / `shutdown()` act on the one made by `init()`."""

    def __init__(
        self,
        *,
        endpoint: str,
        api_key: str,
        service_name: Optional[str],
        release: Optional[str],
        environment: Optional[str],
        tracer_provider: Optional[TracerProvider],
        instrument_openai: bool,
        span_exporter: Optional[SpanExporter],
        feedback_buffer_size: int,
        feedback_batch_size: int,
        on_feedback_error: Optional[Callable[[FeedbackDeliveryError], None]],
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        exporter = span_exporter or OTLPSpanExporter(
            endpoint=f"{self.endpoint}/v1/traces", headers={"Authorization": f"Bearer {api_key}"}
        )
        overlay = {}
        if service_name:
            overlay["service.name"] = service_name
        if release:
            overlay["service.version"] = release
        if environment:
            overlay["deployment.environment.name"] = environment
        existing = tracer_provider or _sdk_provider(trace.get_tracer_provider())
        if existing is not None:
            # The application has its own OpenTelemetry setup: add Driftwatch to it; its resource stays as it is for
            # its own exporters, and Driftwatch's copy gets the service, release and environment given here.
            self.tracer_provider = existing
            self._owns_provider = False
            if overlay:
                exporter = _ResourceOverlayExporter(exporter, overlay)
        else:
            resource = Resource.create(overlay)  # service.name: OTEL_SERVICE_NAME or unknown_service when unset
            self.tracer_provider = TracerProvider(resource=resource)
            self._owns_provider = True
        self._span_processor = BatchSpanProcessor(exporter)
        # The context processor first, so attributes are set before any exporter can see the span.
        self.tracer_provider.add_span_processor(ContextSpanProcessor())
        self.tracer_provider.add_span_processor(self._span_processor)
        if self._owns_provider:
            trace.set_tracer_provider(self.tracer_provider)
        if instrument_openai:
            _instrument_openai(self.tracer_provider)
        self.feedback = FeedbackSender(
            f"{self.endpoint}/api/feedback",
            api_key,
            max_buffer=feedback_buffer_size,
            batch_size=feedback_batch_size,
            on_error=on_feedback_error,
            user_agent=f"driftwatch-python/{SDK_VERSION}",
        )
        self._closed = False

    def flush(self, timeout: float = 10.0) -> bool:
        spans = self._span_processor.force_flush(int(timeout * 1000))
        feedback = self.feedback.flush(timeout)
        return bool(spans) and feedback

    def shutdown(self, timeout: float = 10.0) -> bool:
        if self._closed:
            return True
        self._closed = True
        feedback = self.feedback.shutdown(timeout)
        spans = bool(self._span_processor.force_flush(int(timeout * 1000)))
        if self._owns_provider:
            self.tracer_provider.shutdown()
        else:
            self._span_processor.shutdown()
        return spans and feedback


def _sdk_provider(provider: object) -> Optional[TracerProvider]:
    """The application's SDK provider when it registered one (the API's default proxy provider is not one)."""
    return provider if isinstance(provider, TracerProvider) else None


class _ResourceOverlayExporter(SpanExporter):
    """Exports the application's spans with Driftwatch's service name, release and environment laid over the
    application's resource, leaving its other exporters' spans as they were."""

    def __init__(self, exporter: SpanExporter, overlay: Dict[str, str]) -> None:
        self._exporter = exporter
        self._overlay = Resource(overlay)
        self._merged: Dict[Resource, Resource] = {}

    def _resource_for(self, resource: Resource) -> Resource:
        merged = self._merged.get(resource)
        if merged is None:
            if len(self._merged) > 64:  # resources are few; bound the cache all the same
                self._merged.clear()
            merged = self._merged[resource] = resource.merge(self._overlay)
        return merged

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return self._exporter.export([_WithResource(s, self._resource_for(s.resource)) for s in spans])

    def shutdown(self) -> None:
        self._exporter.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._exporter.force_flush(timeout_millis)


class _WithResource:
    """A finished span seen with another resource (the exporters read spans, never change them)."""

    def __init__(self, span: ReadableSpan, resource: Resource) -> None:
        self._span = span
        self.resource = resource

    def __getattr__(self, name: str) -> Any:
        return getattr(self._span, name)


def _instrument_openai(provider: TracerProvider) -> None:
    from openinference.instrumentation.openai import OpenAIInstrumentor

    instrumentor = OpenAIInstrumentor()
    if instrumentor.is_instrumented_by_opentelemetry:
        logger.info("driftwatch: the OpenAI client is already instrumented; leaving it as it is")
        return
    instrumentor.instrument(tracer_provider=provider)


_client: Optional[Client] = None
_exit_hook_registered = False


def init(
    endpoint: Optional[str] = None,
    api_key: Optional[str] = None,
    service_name: Optional[str] = None,
    release: Optional[str] = None,
    environment: Optional[str] = None,
    *,
    tracer_provider: Optional[TracerProvider] = None,
    instrument_openai: bool = True,
    span_exporter: Optional[SpanExporter] = None,
    feedback_buffer_size: int = 10_000,
    feedback_batch_size: int = 100,
    on_feedback_error: Optional[Callable[[FeedbackDeliveryError], None]] = None,
) -> Client:
    """Starts sending traces and feedback to Driftwatch. Call once, early, before the OpenAI client is created.

    Unset arguments come from DRIFTWATCH_ENDPOINT, DRIFTWATCH_API_KEY, OTEL_SERVICE_NAME, DRIFTWATCH_RELEASE and
    DRIFTWATCH_ENVIRONMENT. With `tracer_provider`, or when the application already registered an SDK
    TracerProvider, Driftwatch adds its processors to that provider instead of making one.
    """
    global _client, _exit_hook_registered
    if _client is not None:
        raise RuntimeError("driftwatch.init() was already called; call driftwatch.shutdown() first")
    endpoint = endpoint or os.environ.get("DRIFTWATCH_ENDPOINT")
    api_key = api_key or os.environ.get("DRIFTWATCH_API_KEY")
    if not endpoint:
        raise ValueError("driftwatch.init: endpoint is required (or set DRIFTWATCH_ENDPOINT)")
    if not endpoint.startswith(("http://", "https://")):
        raise ValueError("driftwatch.init: endpoint must be an http:// or https:// URL")
    if not api_key:
        raise ValueError("driftwatch.init: api_key is required (or set DRIFTWATCH_API_KEY)")
    client = Client(
        endpoint=endpoint,
        api_key=api_key,
        service_name=service_name or os.environ.get("OTEL_SERVICE_NAME"),
        release=release or os.environ.get("DRIFTWATCH_RELEASE"),
        environment=environment or os.environ.get("DRIFTWATCH_ENVIRONMENT"),
        tracer_provider=tracer_provider,
        instrument_openai=instrument_openai,
        span_exporter=span_exporter,
        feedback_buffer_size=feedback_buffer_size,
        feedback_batch_size=feedback_batch_size,
        on_feedback_error=on_feedback_error,
    )
    _client = client
    if not _exit_hook_registered:
        atexit.register(_shutdown_at_exit)
        _exit_hook_registered = True
    return client


def get_client() -> Client:
    if _client is None:
        raise RuntimeError("call driftwatch.init() first")
    return _client


def shutdown(timeout: float = 10.0) -> bool:
    """Sends what is buffered (spans and feedback) within `timeout` seconds and stops. True when all was sent."""
    global _client
    client, _client = _client, None
    return client.shutdown(timeout) if client is not None else True


def _shutdown_at_exit() -> None:
    shutdown()
