"""User, session, tags, metadata and prompt for everything inside a block, carried in the OpenTelemetry context.

A span processor copies them onto every span started inside the block (nested spans and other threads that receive
the context included), under the attribute names Driftwatch's normalizer reads (libs/normalize/src/identity.ts):
OpenInference's `user.id`, `session.id`, `tag.tags`, `metadata` (JSON) and `llm.prompt_template.name`/`.version`.
"""

from __future__ import annotations

import functools
import inspect
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Sequence, TypeVar

from opentelemetry import context as otel_context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor

USER_ID = "user.id"
SESSION_ID = "session.id"
TAGS = "tag.tags"
METADATA = "metadata"
PROMPT_NAME = "llm.prompt_template.name"
PROMPT_VERSION = "llm.prompt_template.version"

_KEY = otel_context.create_key("driftwatch-attributes")

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Attributes:
    """What the innermost block set, merged with the blocks around it."""

    user_id: Optional[str] = None
    session_id: Optional[str] = None
    tags: tuple = ()
    metadata: Mapping[str, str] = field(default_factory=dict)
    prompt_name: Optional[str] = None
    prompt_version: Optional[str] = None

    def merged(self, inner: "Attributes") -> "Attributes":
        """Inner values win; tags add up (first seen order); metadata keys merge."""
        return Attributes(
            user_id=inner.user_id if inner.user_id is not None else self.user_id,
            session_id=inner.session_id if inner.session_id is not None else self.session_id,
            tags=tuple(dict.fromkeys([*self.tags, *inner.tags])),
            metadata={**self.metadata, **inner.metadata},
            prompt_name=inner.prompt_name if inner.prompt_name is not None else self.prompt_name,
            prompt_version=inner.prompt_version if inner.prompt_version is not None else self.prompt_version,
        )

    def as_span_attributes(self) -> dict:
        out: dict = {}
        if self.user_id:
            out[USER_ID] = self.user_id
        if self.session_id:
            out[SESSION_ID] = self.session_id
        if self.tags:
            out[TAGS] = list(self.tags)
        if self.metadata:
            out[METADATA] = json.dumps(dict(self.metadata), sort_keys=True)
        if self.prompt_name:
            out[PROMPT_NAME] = self.prompt_name
        if self.prompt_version:
            out[PROMPT_VERSION] = self.prompt_version
        return out


def current_attributes(ctx: Optional[otel_context.Context] = None) -> Attributes:
    """The attributes in `ctx`, else in the current context (a span started with an explicit parent context, such
    as one extracted from request headers, still gets the block it was started in)."""
    value = otel_context.get_value(_KEY, ctx) if ctx is not None else None
    if not isinstance(value, Attributes):
        value = otel_context.get_value(_KEY)
    return value if isinstance(value, Attributes) else Attributes()


def _text(name: str, value: Any) -> Optional[str]:
    if value is None:
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise TypeError(f"driftwatch.context: {name} must be a string, got {type(value).__name__}")
    return str(value)


class context:  # noqa: N801 - used as `driftwatch.context(...)`, like contextlib's lower-case managers
    """Sets user, session, tags, metadata and prompt for every span started inside.

    As a context manager: ``with driftwatch.context(user_id="u1", session_id="s1"): ...``
    As a decorator (sync or async functions): ``@driftwatch.context(prompt_name="support", prompt_version="3")``.
    Blocks nest: inner values win, tags add up, metadata merges. Metadata values are sent as strings.
    """

    def __init__(
        self,
        user_id: Optional[str] = None,
        session_id: Optional[str] = None,
        tags: Optional[Sequence[str]] = None,
        metadata: Optional[Mapping[str, Any]] = None,
        prompt_name: Optional[str] = None,
        prompt_version: Optional[str] = None,
    ) -> None:
        if isinstance(tags, str):
            raise TypeError("driftwatch.context: tags must be a list of strings, not one string")
        if metadata is not None and not isinstance(metadata, Mapping):
            raise TypeError("driftwatch.context: metadata must be a mapping of strings to values")
        self._attributes = Attributes(
            user_id=_text("user_id", user_id),
            session_id=_text("session_id", session_id),
            tags=tuple(str(t) for t in (tags or ())),
            metadata={str(k): v if isinstance(v, str) else json.dumps(v, default=str) for k, v in (metadata or {}).items()},
            prompt_name=_text("prompt_name", prompt_name),
            prompt_version=_text("prompt_version", prompt_version),
        )
        # One token per entry: the same instance may be entered again (recursion, re-use) before it exits.
        self._tokens: list = []

    def __enter__(self) -> Attributes:
        merged = current_attributes().merged(self._attributes)
        self._tokens.append(otel_context.attach(otel_context.set_value(_KEY, merged)))
        return merged

    def __exit__(self, *exc_info: Any) -> None:
        otel_context.detach(self._tokens.pop())

    def __call__(self, fn: F) -> F:
        attributes = self._attributes

        def scope() -> context:
            fresh = context.__new__(context)
            fresh._attributes = attributes
            fresh._tokens = []
            return fresh

        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                with scope():
                    return await fn(*args, **kwargs)

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with scope():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class ContextSpanProcessor(SpanProcessor):
    """Copies the active `driftwatch.context` attributes onto each span as it starts."""

    def on_start(self, span: Span, parent_context: Optional[otel_context.Context] = None) -> None:
        attributes = current_attributes(parent_context).as_span_attributes()
        if attributes:
            span.set_attributes(attributes)

    def on_end(self, span: ReadableSpan) -> None:
        pass

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True
