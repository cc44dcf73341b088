"""A small support bot using the Driftwatch SDK: one request handled with the OpenAI client, then end-user feedback.

    DRIFTWATCH_ENDPOINT=http://localhost:4318 DRIFTWATCH_API_KEY=dw_… OPENAI_BASE_URL=… OPENAI_API_KEY=… \
        python sample_app.py --user-id u-42 --session-id s-7 [--feedback [--feedback-key KEY]]

Release and environment come from DRIFTWATCH_RELEASE and DRIFTWATCH_ENVIRONMENT (read by driftwatch.init()).
Prints one line `DRIFTWATCH_SAMPLE_RESULT <json>` (trace and span ids, feedback keys and counts) and exits non-zero
when something was not delivered.
"""

import argparse
import json
import sys

from opentelemetry import trace

import driftwatch

RESULT_PREFIX = "DRIFTWATCH_SAMPLE_RESULT "
SYSTEM_PROMPT = "You are a concise support assistant for the Driftwatch sample app."
QUESTION = "Where is my order 1234?"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--user-id", default="sample-user")
    parser.add_argument("--session-id", default="sample-session")
    parser.add_argument("--feedback", action="store_true", help="send a thumbs-down with a correction for the answer")
    parser.add_argument("--feedback-key", help="idempotency key of that feedback (generated when absent)")
    parser.add_argument("--own-provider", action="store_true", help="register the app's own TracerProvider first")
    args = parser.parse_args()

    if args.own_provider:
        # An application with its own OpenTelemetry setup: driftwatch.init() joins it.
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider

        trace.set_tracer_provider(TracerProvider(resource=Resource.create({"service.name": "app-own-provider"})))

    failures = []
    driftwatch.init(
        service_name=None if args.own_provider else "driftwatch-sample-app", on_feedback_error=failures.append
    )

    import openai  # after init(), which instruments the OpenAI client

    client = openai.OpenAI()
    tracer = trace.get_tracer("sample_app")

    @driftwatch.context(prompt_name="support-answer", prompt_version="3")
    def answer(question: str) -> dict:
        with tracer.start_as_current_span("answer_question"):
            completion = client.chat.completions.create(
                model="gpt-4o-mini",
                messages=[{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": question}],
                temperature=0,
            )
            return {
                "answer": completion.choices[0].message.content,
                "traceId": driftwatch.current_trace_id(),
                "spanId": driftwatch.current_span_id(),
            }

    with driftwatch.context(
        user_id=args.user_id, session_id=args.session_id, tags=["sample", "python-sdk"], metadata={"channel": "web"}
    ):
        result = answer(QUESTION)

    if args.feedback:
        result["feedbackKey"] = driftwatch.feedback(
            trace_id=result["traceId"],
            span_id=result["spanId"],
            name="thumbs",
            value=False,
            comment="It did not say where the order is.",
            correction="Order 1234 shipped today and arrives on Thursday.",
            user_id=args.user_id,
            metadata={"channel": "web"},
            idempotency_key=args.feedback_key,
        )

    flushed = driftwatch.flush(timeout=30)
    stats = driftwatch.feedback_stats()
    result["feedback"] = {
        "accepted": stats.accepted,
        "duplicates": stats.duplicates,
        "failed": stats.failed,
        "retries": stats.retries,
        "pending": stats.pending,
    }
    result["errors"] = [str(error) for error in failures]
    ok = driftwatch.shutdown(timeout=10) and flushed
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0 if ok and not failures else 1


if __name__ == "__main__":
    sys.exit(main())
