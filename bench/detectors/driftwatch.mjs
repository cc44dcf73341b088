// Drives the real product path for one scenario: a fresh server (dist/server/main.js, local embeddings), the calls
// as OTLP spans with their own timestamps, feedback when the server has the endpoint, a wait until every call's
// vectors are stored, one topic fit over all of them (or, above 20,000 calls, over the baseline's before the rest arrive), detection over the current range (POST /api/detectors/run, admin), then GET /api/problems.

import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { URLSearchParams } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from '../ingest/lib/server.mjs';
import { idsOf, otlpBody } from './otlp.mjs';
import { startDriftwatch } from './server.mjs';

const BATCH = 250;
/** Calls sent at once after a baseline-first topic fit (see runThroughDriftwatch). */
const ONLINE_CHUNK = 4_000;
const ADMIN_EMAIL = 'admin@localhost';

async function call(server, path, { method = 'GET', body, cookie, key, expect = [200] } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (cookie) headers.cookie = cookie;
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await fetch(`${server.base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  if (!expect.includes(response.status))
    throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 500)}`);
  return { status: response.status, json: text ? JSON.parse(text) : null, headers: response.headers };
}

async function embedderCheck(server) {
  const response = await fetch(`${server.base}/readyz`);
  return (await response.json()).checks?.embedder ?? null;
}

/**
 * Runs one scenario through a fresh server. Returns the problems (as the API lists them), the run's answer, how
 * the ingest went, and which parts were skipped and why.
 */
export async function runThroughDriftwatch(
  scenario,
  { main, log, keep = false, embeddingsEnv = null, dimensions = [] },
) {
  const password = randomBytes(18).toString('base64url');
  const dataDir = mkdtempSync(join(tmpdir(), 'driftwatch-detectors-eval-'));
  const server = await startDriftwatch({
    main,
    dataDir,
    env: {
      // The evaluation's embeddings endpoint (embeddings-service.mjs) when given, else the local model inline.
      ...(embeddingsEnv ?? { DRIFTWATCH_EMBEDDINGS: 'local' }),
      // A queue above the scenario's size: the stage never samples calls away while the model catches up.
      DRIFTWATCH_EMBEDDING_QUEUE_CALLS: String(Math.max(10_000, 4 * scenario.calls.length)),
      // The scenarios carry their own (past) timestamps; keep them.
      DRIFTWATCH_RETENTION_DAYS: '25000',
      // One topic model for every call: no fit while the calls arrive (a first fit needs 90% of them, and the
      // schedule looks once at start, then hourly); the harness asks for the fit (POST /api/topics/refit) once
      // every vector is stored, and the fit's sample (up to 20,000, the most the index gives) is every call.
      ...topicsEnv(fittedCalls(scenario)),
      DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: password,
    },
  });
  const skipped = [];
  try {
    log(`server pid ${server.pid} ready in ${server.readyMs} ms (${server.dataDir})`);
    const login = await call(server, '/api/auth/login', {
      method: 'POST',
      body: { email: ADMIN_EMAIL, password },
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];

    const settings = await configureDetectors(server, cookie, scenario, dimensions, log);
    if (settings.skipped) skipped.push(settings.skipped);

    const feedbackEndpoint = await hasFeedbackEndpoint(server, cookie);
    if (!feedbackEndpoint && scenario.truth.some((t) => t.kind === 'feedback')) {
      skipped.push('POST /api/feedback does not exist on this server: the feedback truth cannot be tested');
      return { problems: [], run: null, embedded: null, skipped, feedbackSent: 0, notRun: true };
    }

    const calls = scenario.calls.map((c, index) => ({ ...c, index }));
    // Up to FIT_SAMPLE calls: every call is sent, then one fit over all of them. Larger scenarios: the fit's sample
    // cannot hold every call, so the topics are fitted on the baseline's calls first (as a deployed model is) and the
    // rest are assigned as they arrive by the topics job's online assignment.
    const fitFirst = calls.length > FIT_SAMPLE;
    const before = fitFirst ? calls.filter((c) => Date.parse(c.time) < scenario.current.fromMs) : calls;
    const after = fitFirst ? calls.filter((c) => Date.parse(c.time) >= scenario.current.fromMs) : [];
    if (before.length > FIT_SAMPLE)
      throw new Error(`${before.length} baseline calls: the topic fit samples at most ${FIT_SAMPLE}`);
    await sendCalls(server, scenario, before, log);
    let embedded = await waitForVectors(server, before.length, log);
    let droppedBefore = 0;
    if (fitFirst) {
      await fitTopics(server, cookie, before.length, log);
      // Vectors stored before the first model past its waiting list count as dropped; the fit assigned them.
      droppedBefore = (await topicsCheck(server)).droppedAssignments;
      // In chunks, each stored and assigned before the next: the scenario's hours arrive in seconds here, faster
      // than the topics job's bounded assignment queue drains (it drops past 20,000 and leaves them to a refit).
      for (let s = 0; s < after.length; s += ONLINE_CHUNK) {
        await sendCalls(server, scenario, after.slice(s, s + ONLINE_CHUNK), log);
        await waitForVectors(server, before.length + Math.min(after.length, s + ONLINE_CHUNK), log);
        await waitForAssignments(server, droppedBefore, log);
      }
    }
    const feedback = feedbackEndpoint
      ? await sendFeedback(server, cookie, scenario, calls, log)
      : { skipped: 'POST /api/feedback does not exist on this server: ratings not sent' };
    if (feedback.skipped) skipped.push(feedback.skipped);

    if (fitFirst) {
      embedded = await waitForVectors(server, calls.length, log);
      await waitForAssignments(server, droppedBefore, log);
    } else await fitTopics(server, cookie, calls.length, log);
    const detection = await call(server, '/api/detectors/run', {
      method: 'POST',
      cookie,
      body: {
        from: new Date(scenario.current.fromMs).toISOString(),
        to: new Date(scenario.current.toMs).toISOString(),
      },
      expect: [200, 201, 202],
    });
    log(`detection run answered ${detection.status}: ${summarizeRun(detection.json)}`);
    const problems = await listProblems(server, cookie);
    return { problems, run: detection.json, embedded, skipped, feedbackSent: feedback.sent ?? 0 };
  } catch (error) {
    log(`server log tail:\n${server.logTail(40)}`);
    throw error;
  } finally {
    const exited = await server.stop(30_000);
    log(`server stopped (${JSON.stringify(exited)})`);
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

async function sendCalls(server, scenario, calls, log) {
  const t0 = Date.now();
  for (let s = 0; s < calls.length; s += BATCH) {
    const { json } = await retryingBusy(
      () =>
        call(server, '/v1/traces', {
          method: 'POST',
          key: server.apiKey,
          body: otlpBody(scenario.header.scenario, calls.slice(s, s + BATCH)),
          expect: [200, 429, 503],
        }),
      log,
    );
    const rejected = Number(json?.partialSuccess?.rejectedSpans ?? 0);
    if (rejected > 0)
      throw new Error(`the server rejected ${rejected} spans: ${json.partialSuccess.errorMessage}`);
  }
  log(`sent ${calls.length} calls as OTLP spans in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

async function topicsCheck(server) {
  const response = await fetch(`${server.base}/readyz`);
  const topics = (await response.json()).checks?.topics;
  if (!topics) throw new Error('/readyz has no topics check: the topics job does not run');
  return topics;
}

/** Waits until the topics job has assigned every arrived request, none dropped past its queue bound since `dropped`. */
async function waitForAssignments(server, dropped, log) {
  const t0 = Date.now();
  for (;;) {
    const topics = await topicsCheck(server);
    if (topics.droppedAssignments > dropped)
      throw new Error(
        `the topics job dropped ${topics.droppedAssignments - dropped} assignments (its queue was full)`,
      );
    if (topics.pendingAssignments === 0) {
      log(
        `topics assigned online after ${((Date.now() - t0) / 1000).toFixed(0)} s: ${JSON.stringify(topics)}`,
      );
      return;
    }
    if (Date.now() - t0 > 30 * 60_000)
      throw new Error(`assignments not done after 30 min: ${JSON.stringify(topics)}`);
    await sleep(1000);
  }
}

/** Most request vectors a fit samples (DRIFTWATCH_TOPICS_SAMPLE's and the vector index's bound). */
const FIT_SAMPLE = 20_000;

/** Calls the one topic fit samples: all of them, or the baseline's when there are more than FIT_SAMPLE. */
function fittedCalls(scenario) {
  const { calls } = scenario;
  return calls.length > FIT_SAMPLE
    ? calls.filter((c) => Date.parse(c.time) < scenario.current.fromMs).length
    : calls.length;
}

function topicsEnv(calls) {
  return {
    DRIFTWATCH_TOPICS_MIN_CALLS: String(Math.max(20, Math.min(FIT_SAMPLE, Math.floor(0.9 * calls)))),
    DRIFTWATCH_TOPICS_SAMPLE: String(FIT_SAMPLE),
    DRIFTWATCH_TOPICS_CHECK_MS: String(3_600_000),
  };
}

/**
 * Fits the project's topics on all its stored requests (POST /api/topics/refit answers once the model and every
 * sampled call's assignment are stored), so regressions by topic and topic names see one model for every call.
 * Scenarios of more than 20,000 calls get only 20,000 of them assigned by the fit (said in the log).
 */
async function fitTopics(server, cookie, calls, log) {
  const t0 = Date.now();
  const { status, text } = await postWithoutTimeout(server, '/api/topics/refit', cookie);
  if (status !== 200) throw new Error(`POST /api/topics/refit: ${status} ${text.slice(0, 500)}`);
  const fit = JSON.parse(text);
  log(
    `topics fitted in ${((Date.now() - t0) / 1000).toFixed(0)} s: v${fit.version}, ${fit.topics} topics from ${fit.calls} of ${calls} calls`,
  );
  // The embedder's counters count a batch sent again after a 503 twice; the index holds each call once.
  if (fit.calls < Math.min(calls, FIT_SAMPLE))
    throw new Error(`the topic fit sampled ${fit.calls} of the scenario's ${calls} calls`);
  if (calls > FIT_SAMPLE)
    log(`warning: ${calls - FIT_SAMPLE} calls are beyond the fit's sample and have no topic assignment`);
}

/** A POST with no client timeout: a fit of 16,000 vectors takes minutes on a loaded machine (fetch gives up at 300 s). */
function postWithoutTimeout(server, path, cookie) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${server.base}${path}`,
      { method: 'POST', headers: { cookie, 'content-type': 'application/json', 'content-length': 2 } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
}

/**
 * The server answering 503/429 asks for a retry (the store did not keep up on this loaded machine): wait the
 * retry delay it gives (at least 1 s) and send the same batch again, up to 30 times. The span ids are stable, so a
 * batch stored but answered late is not duplicated as different spans.
 */
async function retryingBusy(send, log) {
  for (let attempt = 1; ; attempt++) {
    const answer = await send();
    if (answer.status === 200) return answer;
    if (attempt >= 30)
      throw new Error(`the server stayed busy: ${JSON.stringify(answer.json).slice(0, 300)}`);
    const delay = answer.json?.details?.find((d) => d.retryDelay)?.retryDelay;
    const ms = Math.max(1000, delay ? Number.parseFloat(delay) * 1000 : 1000);
    if (attempt === 1 || attempt % 10 === 0) log(`server busy (${answer.status}), retrying in ${ms} ms`);
    await sleep(ms);
  }
}

/** Detector settings for the scenario (its window, its fixed baseline) when the server has the endpoint. */
async function configureDetectors(server, cookie, scenario, extraDimensions, log) {
  const probe = await fetch(`${server.base}/api/detectors/settings`, { headers: { cookie } });
  if (probe.status === 404) {
    await probe.arrayBuffer();
    return { skipped: 'no detector settings endpoint: the server chose the baseline and window itself' };
  }
  const current = await probe.json();
  // The dimensions the truth names are turned on (a user watching for them would), beside the defaults and those
  // asked for every scenario (--dimension).
  const dimensions = [
    ...new Set([
      ...(current.dimensions ?? []),
      ...extraDimensions,
      ...scenario.truth.flatMap((t) => t.dimension ?? []),
    ]),
  ];
  const body = {
    ...current,
    dimensions,
    windowMs: scenario.windowMs,
    baseline: 'fixed',
    fixedBaseline: scenario.baseline,
  };
  const put = await call(server, '/api/detectors/settings', {
    method: 'PUT',
    cookie,
    body,
    expect: [200, 204],
  });
  log(
    `detector settings: window ${scenario.windowMs} ms, fixed baseline, dimensions ${dimensions.join(',')} (${put.status})`,
  );
  return {};
}

/** POST /api/feedback answers something other than 404 (an empty body is refused, but the route exists). */
async function hasFeedbackEndpoint(server, cookie) {
  const probe = await fetch(`${server.base}/api/feedback`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: '{}',
  });
  await probe.arrayBuffer();
  return probe.status !== 404;
}

/** Feedback of the calls that carry it: thumbs (false = negative, docs/feedback.md) at the call's time, in batches. */
async function sendFeedback(server, cookie, scenario, calls, log) {
  const rated = calls.filter((c) => c.feedback === 'negative' || c.feedback === 'positive');
  if (rated.length === 0) return {};
  for (let s = 0; s < rated.length; s += 500) {
    const items = rated.slice(s, s + 500).map((c) => {
      const { traceId, spanId } = idsOf(scenario.header.scenario, c.index);
      return {
        traceId,
        spanId,
        name: 'thumbs',
        value: c.feedback === 'positive',
        ...(c.userId ? { userId: c.userId } : {}),
        timeMs: c.timeMs,
      };
    });
    await call(server, '/api/feedback', { method: 'POST', key: server.apiKey, body: { items } });
  }
  log(`sent ${rated.length} feedback ratings`);
  return { sent: rated.length };
}

/** Waits until the embedder has seen every call and nothing waits: vectors stored, none sampled away. */
async function waitForVectors(server, expected, log) {
  const t0 = Date.now();
  let last = 0;
  for (;;) {
    const e = await embedderCheck(server);
    const settled = (e?.embeddedCalls ?? 0) + (e?.sampledOutCalls ?? 0) + (e?.failedCalls ?? 0);
    if (e && e.seenCalls >= expected && settled >= e.seenCalls && (e.queued ?? 0) === 0) {
      log(`vectors stored after ${((Date.now() - t0) / 1000).toFixed(0)} s: ${JSON.stringify(e)}`);
      return e;
    }
    if (Date.now() - last > 30_000) {
      last = Date.now();
      log(
        `waiting for embeddings: ${e?.embeddedCalls ?? 0} of ${expected} calls embedded, ${e?.queued ?? '?'} queued`,
      );
    }
    if (Date.now() - t0 > 30 * 60_000)
      throw new Error(`embeddings not done after 30 min: ${JSON.stringify(e)}`);
    await sleep(1000);
  }
}

async function listProblems(server, cookie) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < 100; page++) {
    const query = new URLSearchParams({ sort: 'time', limit: '200' });
    if (cursor) query.set('cursor', cursor);
    const { json } = await call(server, `/api/problems?${query}`, { cookie });
    items.push(...(json.items ?? []));
    cursor = json.nextCursor ?? null;
    if (!cursor) break;
  }
  return items;
}

/** Windows by outcome, findings and problems per window, and the distinct "not enough data" reasons. */
function summarizeRun(answer) {
  const windows = answer?.windows ?? [];
  const outcomes = {};
  for (const w of windows) outcomes[w.outcome] = (outcomes[w.outcome] ?? 0) + 1;
  const skipped = new Map();
  for (const w of windows)
    for (const s of w.skipped ?? []) {
      const key = `${s.kind}${s.dimension ? `/${s.dimension}=${s.value}` : ''}`;
      skipped.set(key, (skipped.get(key) ?? 0) + 1);
    }
  const errors = windows.filter((w) => w.error).map((w) => `${w.from}: ${w.error}`);
  return [
    `${windows.length} windows ${JSON.stringify(outcomes)}`,
    `findings per window [${windows.map((w) => w.findings).join(',')}]`,
    `problems per window [${windows.map((w) => w.problems).join(',')}]`,
    skipped.size
      ? `checks skipped (windows): ${[...skipped].map(([k, n]) => `${k} x${n}`).join(', ')}`
      : 'no checks skipped',
    ...errors,
  ].join('; ');
}
