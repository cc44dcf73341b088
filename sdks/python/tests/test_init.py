"""driftwatch.init() without an application provider: resource, OTLP export with the key, OpenAI instrumented."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import driftwatch


@pytest.fixture(scope="module")
def probe() -> dict:
    script = Path(__file__).with_name("init_probe.py")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_spans_carry_release_and_environment_in_the_resource(probe: dict) -> None:
    assert probe["flushed"] and probe["globalIsOurs"]
    for span in probe["spans"]:
        assert span["resource"]["service.name"] == "probe-app"
        assert span["resource"]["service.version"] == "1.2.3"
        assert span["resource"]["deployment.environment.name"] == "staging"


def test_openai_call_is_an_llm_span_inside_the_request_with_the_context(probe: dict) -> None:
    by_name = {s["name"]: s for s in probe["spans"]}
    assert set(by_name) == {"handle_request", "ChatCompletion"}
    llm = by_name["ChatCompletion"]
    assert llm["traceId"] == probe["traceId"] == by_name["handle_request"]["traceId"]
    attributes = llm["attributes"]
    assert attributes["openinference.span.kind"] == "LLM"
    assert attributes["llm.model_name"] == "gpt-4o-mini"
    assert attributes["llm.token_count.prompt"] == 5
    assert attributes["user.id"] == "u-probe" and attributes["session.id"] == "s-probe"
    assert attributes["llm.prompt_template.name"] == "greeting"
    assert attributes["llm.prompt_template.version"] == "7"


def test_traces_are_exported_to_v1_traces_with_the_bearer_key(probe: dict) -> None:
    assert probe["otlp"], "no OTLP export arrived"
    for request in probe["otlp"]:
        assert request["path"] == "/v1/traces"
        assert request["auth"] == "Bearer dw_probe_key"
        assert request["type"] == "application/x-protobuf" and request["bytes"] > 0


def test_init_needs_an_endpoint_and_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DRIFTWATCH_ENDPOINT", raising=False)
    monkeypatch.delenv("DRIFTWATCH_API_KEY", raising=False)
    with pytest.raises(ValueError, match="endpoint"):
        driftwatch.init(api_key="k", instrument_openai=False)
    with pytest.raises(ValueError, match="api_key"):
        driftwatch.init(endpoint="http://127.0.0.1:9", instrument_openai=False)
    with pytest.raises(ValueError, match="http"):
        driftwatch.init(endpoint="127.0.0.1:4318", api_key="k", instrument_openai=False)
