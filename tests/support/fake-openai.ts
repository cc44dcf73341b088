/**
 * A local OpenAI-compatible server speaking the real wire format of POST /v1/chat/completions (JSON and SSE
 * streaming) and POST /v1/embeddings. Answers and token counts are deterministic functions of the request,
 * so tests can compute what the instrumentations must have reported (see `usageFor`).
 *
 * Tool calls: when the request offers tools and the last message is a user message mentioning "weather", the
 * answer is a tool call to the first offered tool (arguments `{"city": ...}`); after the tool result message the
 * answer is a normal text built from that result.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOpenAI {
  /** Base URL including /v1, for `new OpenAI({ baseURL })` and `createOpenAI({ baseURL })`. */
  baseUrl: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
  completion_tokens_details: {
    reasoning_tokens: number;
    audio_tokens: number;
    accepted_prediction_tokens: number;
    rejected_prediction_tokens: number;
  };
}

interface ChatMessage {
  role: string;
  content?: unknown;
  tool_calls?: unknown[];
  tool_call_id?: string;
}

interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

interface ChatAnswer {
  content: string | null;
  toolCalls: ToolCall[];
  finishReason: 'stop' | 'tool_calls';
}

/** Fixed fields so the fixtures and assertions are stable. */
export const FAKE_CREATED = 1_767_225_600; // 2026-01-01T00:00:00Z
export const FAKE_SYSTEM_FINGERPRINT = 'fp_driftwatch';
/** Reasoning tokens reported on every chat answer (included in completion_tokens, as OpenAI does). */
export const FAKE_REASONING_TOKENS = 3;
export const EMBEDDING_DIMENSIONS = 8;

export async function startFakeOpenAI(options: { port?: number; host?: string } = {}): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  let counter = 0;
  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      sendJson(res, 500, {
        error: { message: String(error), type: 'server_error', code: null, param: null },
      });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    let body: unknown = undefined;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return sendJson(res, 400, apiError('Request body is not valid JSON.'));
      }
    }
    requests.push({ method: req.method ?? '', path, headers: req.headers, body });
    counter += 1;
    if (req.method === 'POST' && path === '/v1/chat/completions') return chat(res, body, counter);
    if (req.method === 'POST' && path === '/v1/embeddings') return embeddings(res, body);
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: [{ id: 'gpt-4o-mini', object: 'model', created: FAKE_CREATED, owned_by: 'driftwatch' }],
      });
    }
    sendJson(res, 404, apiError(`Unknown request URL: ${req.method} ${path}.`));
  }

  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function chat(res: ServerResponse, body: unknown, counter: number): void {
  const request = (body ?? {}) as {
    model?: string;
    messages?: ChatMessage[];
    tools?: { type?: string; function?: { name?: string } }[];
    stream?: boolean;
    stream_options?: { include_usage?: boolean };
  };
  if (!request.model || !Array.isArray(request.messages) || request.messages.length === 0) {
    return sendJson(res, 400, apiError('model and messages are required.'));
  }
  const id = `chatcmpl-driftwatch${String(counter).padStart(4, '0')}`;
  const answer = answerFor(request.messages, request.tools, counter);
  const usage = usageFor(request.messages, answer);
  const base = {
    id,
    created: FAKE_CREATED,
    model: request.model,
    system_fingerprint: FAKE_SYSTEM_FINGERPRINT,
    service_tier: 'default',
  };

  if (!request.stream) {
    return sendJson(res, 200, {
      ...base,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: answer.content,
            refusal: null,
            annotations: [],
            ...(answer.toolCalls.length > 0 ? { tool_calls: answer.toolCalls } : {}),
          },
          logprobs: null,
          finish_reason: answer.finishReason,
        },
      ],
      usage,
    });
  }

  const includeUsage = request.stream_options?.include_usage === true;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    res.write(
      `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices, ...(includeUsage ? { usage: null } : {}), ...extra })}\n\n`,
    );
  const delta = (d: Record<string, unknown>, finish: string | null = null) =>
    chunk([{ index: 0, delta: d, logprobs: null, finish_reason: finish }]);

  if (answer.toolCalls.length > 0) {
    delta({ role: 'assistant', content: null, refusal: null });
    answer.toolCalls.forEach((call, index) => {
      delta({
        tool_calls: [
          { index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } },
        ],
      });
      for (const piece of splitEvery(call.function.arguments, 8))
        delta({ tool_calls: [{ index, function: { arguments: piece } }] });
    });
  } else {
    delta({ role: 'assistant', content: '', refusal: null });
    for (const piece of words(answer.content ?? '')) delta({ content: piece });
  }
  delta({}, answer.finishReason);
  if (includeUsage) chunk([], { usage });
  res.end('data: [DONE]\n\n');
}

function embeddings(res: ServerResponse, body: unknown): void {
  const request = (body ?? {}) as { model?: string; input?: unknown; encoding_format?: string };
  const inputs = Array.isArray(request.input) ? request.input : [request.input];
  if (!request.model || inputs.some((i) => typeof i !== 'string')) {
    return sendJson(res, 400, apiError('model and input (string or string[]) are required.'));
  }
  const texts = inputs as string[];
  const promptTokens = texts.reduce((sum, t) => sum + tokens(t), 0);
  sendJson(res, 200, {
    object: 'list',
    model: request.model,
    data: texts.map((text, index) => {
      const vector = embeddingFor(text);
      return {
        object: 'embedding',
        index,
        embedding:
          request.encoding_format === 'base64'
            ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
            : vector,
      };
    }),
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
}

function answerFor(
  messages: ChatMessage[],
  tools: { function?: { name?: string } }[] | undefined,
  counter: number,
): ChatAnswer {
  const last = messages[messages.length - 1] as ChatMessage;
  const lastText = textOf(last.content);
  if (tools && tools.length > 0 && last.role === 'user' && /weather/i.test(lastText)) {
    const tool = tools.find((t) => /weather/i.test(t.function?.name ?? '')) ?? tools[0];
    const city = /weather (?:in|for) ([A-Z][a-z]+(?: [A-Z][a-z]+)*)/.exec(lastText)?.[1] ?? 'Paris';
    return {
      content: null,
      toolCalls: [
        {
          id: `call_driftwatch${String(counter).padStart(4, '0')}`,
          type: 'function',
          function: { name: tool?.function?.name ?? 'get_weather', arguments: JSON.stringify({ city }) },
        },
      ],
      finishReason: 'tool_calls',
    };
  }
  if (last.role === 'tool') {
    return {
      content: `According to the weather tool: ${textOf(last.content)}`,
      toolCalls: [],
      finishReason: 'stop',
    };
  }
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  return {
    content: `Fake answer to: ${textOf(lastUser?.content).slice(0, 80)}`,
    toolCalls: [],
    finishReason: 'stop',
  };
}

/**
 * Deterministic usage: prompt tokens are 4 per message plus ceil(chars / 4) of its text; a quarter of them
 * (rounded down) are reported as cached; completion tokens are ceil(chars / 4) of the answer (or of the tool
 * call arguments plus 5) plus FAKE_REASONING_TOKENS.
 */
export function usageFor(messages: ChatMessage[], answer: ChatAnswer): ChatUsage {
  const prompt = messages.reduce(
    (sum, m) => sum + 4 + tokens(textOf(m.content)) + tokens(JSON.stringify(m.tool_calls ?? '')),
    0,
  );
  const visible =
    answer.toolCalls.length > 0
      ? answer.toolCalls.reduce((s, c) => s + 5 + tokens(c.function.arguments), 0)
      : tokens(answer.content ?? '');
  const completion = visible + FAKE_REASONING_TOKENS;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: Math.floor(prompt / 4), audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: FAKE_REASONING_TOKENS,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** Deterministic unit-length vector of EMBEDDING_DIMENSIONS floats derived from the text. */
export function embeddingFor(text: string): number[] {
  let h = 2166136261;
  const raw: number[] = [];
  for (let i = 0; i < EMBEDDING_DIMENSIONS; i++) {
    for (const ch of `${i}:${text}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    raw.push((h % 2000) / 1000 - 1);
  }
  const norm = Math.hypot(...raw) || 1;
  return raw.map((v) => Math.fround(v / norm));
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => (p && typeof p === 'object' && 'text' in p ? String((p as { text: unknown }).text) : ''))
      .join('');
  }
  return '';
}

function tokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function words(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [text];
}

function splitEvery(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function apiError(message: string) {
  return { error: { message, type: 'invalid_request_error', param: null, code: null } };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-request-id': 'req_driftwatch',
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
