import { gzipSync } from 'node:zlib';
import { otlpJson, otlpProtobuf, type SimpleSpan } from '../../support/otlp-payloads.js';
import {
  allFields,
  allMessages,
  cloneFields,
  encodeMessage,
  encodeVarint,
  type Field,
  parseMessage,
} from './protobuf-tree.js';

/** Deterministic PRNG (mulberry32): a seed and a case number always give the same body. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const int = (rand: Rand, below: number) => Math.floor(rand() * below);
const pick = <T>(rand: Rand, items: readonly T[]): T => items[int(rand, items.length)]!;
const hex = (rand: Rand, bytes: number) =>
  Array.from({ length: bytes }, () => int(rand, 256).toString(16).padStart(2, '0')).join('');

/** Fixed, so a body depends on the seed only (2026-11-01T00:00:00Z). */
const BASE_NS = 1_793_491_200_000_000_000n;
const TEXT = 'refund order shipping delay invoice password reset quarterly summary translate tokyo'.split(
  ' ',
);

/** A root span and an LLM chat span per trace, with gen_ai.* attributes and JSON messages. */
export function llmSpans(rand: Rand, traces: number, at: () => bigint = () => BASE_NS): SimpleSpan[] {
  const spans: SimpleSpan[] = [];
  for (let t = 0; t < traces; t++) {
    const traceId = hex(rand, 16);
    const startNs = at() + BigInt(int(rand, 1e9));
    const question = Array.from({ length: 8 + int(rand, 30) }, () => pick(rand, TEXT)).join(' ');
    spans.push({
      traceId,
      spanId: hex(rand, 8),
      name: 'POST /api/chat',
      startNs,
      endNs: startNs + 900_000_000n,
      attributes: { 'http.route': '/api/chat', 'user.id': `user-${int(rand, 100)}` },
    });
    spans.push({
      traceId,
      spanId: hex(rand, 8),
      name: 'chat gpt-4o-mini',
      startNs: startNs + 1_000_000n,
      endNs: startNs + 800_000_000n,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 10 + int(rand, 500),
        'gen_ai.usage.output_tokens': 5 + int(rand, 500),
        'gen_ai.input.messages': JSON.stringify([
          { role: 'user', parts: [{ type: 'text', content: question }] },
        ]),
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'text', content: question.split(' ').reverse().join(' ') }] },
        ]),
      },
    });
  }
  return spans;
}

export interface FuzzBody {
  format: 'protobuf' | 'json';
  body: Uint8Array;
  contentEncoding?: 'gzip';
  /** What was done, for the failure report. */
  mutation: string;
}

/** Timestamps a decoder and a store must survive: zero, the 64-bit edges, past year 2286 (1e19 ns), random. */
function oddTimestamp(rand: Rand): bigint {
  const choices = [
    () => 0n,
    () => 1n,
    () => (1n << 64n) - 1n,
    () => 1n << 63n,
    () => 10_000_000_000_000_000_000n + BigInt(int(rand, 2 ** 31)) * 1_000_000_000n, // after 2286-11-20
    () => BigInt.asUintN(64, (BigInt(int(rand, 2 ** 32)) << 32n) | BigInt(int(rand, 2 ** 32))),
    () => BASE_NS - BigInt(int(rand, 2 ** 31)) * 86_400_000_000_000n,
  ];
  return pick(rand, choices)();
}

const le64 = (value: bigint) => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(BigInt.asUintN(64, value));
  return new Uint8Array(bytes);
};

const INVALID_UTF8 = [
  [0xff],
  [0xc0, 0x80],
  [0xed, 0xa0, 0x80],
  [0x80],
  [0xe2, 0x82],
  [0xf4, 0x90, 0x80, 0x80],
];

/** Spans of a protobuf request: the messages holding a fixed64 field 7 (start time). */
const spanMessages = (tree: Field[]) =>
  allMessages(tree).filter((m) => m.some((f) => f.field === 7 && f.wire === 1));

type ProtoMutation = (rand: Rand, tree: Field[], donor: Field[]) => Uint8Array | string;

/** Each returns the mutated body, or a string when it changed the tree and wants it encoded. */
const PROTO_MUTATIONS: Record<string, ProtoMutation> = {
  'bit flips': (rand, tree) => {
    const bytes = encodeMessage(tree);
    for (let i = 1 + int(rand, 8); i > 0; i--) bytes[int(rand, bytes.length)]! ^= 1 << int(rand, 8);
    return bytes;
  },
  truncation: (rand, tree) => {
    const bytes = encodeMessage(tree);
    return bytes.slice(0, int(rand, bytes.length));
  },
  'length prefix': (rand, tree) => {
    const lens = allFields(tree).filter((f) => f.field.wire === 2);
    const target = pick(rand, lens).field;
    const actual = BigInt(encodeMessage([target]).length);
    target.lengthOverride = pick(rand, [
      0n,
      actual + 1n + BigInt(int(rand, 64)),
      actual > 10n ? actual - 1n - BigInt(int(rand, 10)) : 0n,
      (1n << 31n) + BigInt(int(rand, 1000)),
      (1n << 32n) + 5n,
      (1n << 64n) - 1n,
    ]);
    return 'encode';
  },
  'field number / wire type': (rand, tree) => {
    const target = pick(rand, allFields(tree)).field;
    if (rand() < 0.5) target.wire = int(rand, 8);
    else target.field = pick(rand, [0, 1 + int(rand, 20), 1 + int(rand, 1000), 2 ** 29 - 1]);
    return 'encode';
  },
  'duplicated field': (rand, tree) => {
    const { field, parent } = pick(rand, allFields(tree));
    for (let n = 1 + int(rand, 3); n > 0; n--)
      parent.splice(int(rand, parent.length + 1), 0, ...cloneFields([field]));
    return 'encode';
  },
  'spliced field': (rand, tree, donor) => {
    const graft = cloneFields([pick(rand, allFields(donor)).field]);
    const into = pick(rand, allMessages(tree));
    into.splice(int(rand, into.length + 1), 0, ...graft);
    return 'encode';
  },
  'huge varint': (rand, tree) => {
    const varints = allFields(tree).filter((f) => f.field.wire === 0);
    const target = varints.length ? pick(rand, varints).field : pick(rand, allFields(tree)).field;
    target.wire = 0;
    target.value =
      rand() < 0.5
        ? { kind: 'varint', value: pick(rand, [(1n << 64n) - 1n, 1n << 63n, (1n << 32n) + 1n]) }
        : // 11 continuation bytes: longer than any varint may be
          { kind: 'raw', bytes: Uint8Array.from([...Array(11).fill(0xff), 0x01]) };
    return 'encode';
  },
  'invalid UTF-8': (rand, tree) => {
    const strings = allFields(tree).filter(
      (f) => f.field.value.kind === 'bytes' && f.field.value.bytes.length > 0,
    );
    for (let n = 1 + int(rand, 3); n > 0 && strings.length; n--) {
      const target = pick(rand, strings).field;
      const bytes = (target.value as { bytes: Uint8Array }).bytes;
      const at = int(rand, bytes.length + 1);
      target.value = {
        kind: 'bytes',
        bytes: Uint8Array.from([...bytes.slice(0, at), ...pick(rand, INVALID_UTF8), ...bytes.slice(at)]),
      };
    }
    return 'encode';
  },
  'random timestamps': (rand, tree) => {
    for (const span of spanMessages(tree)) {
      for (const f of span) {
        if ((f.field === 7 || f.field === 8) && f.wire === 1 && rand() < 0.7) {
          f.value = { kind: 'fixed', bytes: le64(oddTimestamp(rand)) };
        }
      }
    }
    return 'encode';
  },
};

/** Bodies that stress limits rather than parsing: built whole, not mutated from a base body. */
const PROTO_GENERATORS: Record<string, (rand: Rand) => Uint8Array> = {
  /** One span per day over hundreds of days: one insert would touch hundreds of day partitions. */
  'many partitions': (rand) => {
    let day = 0n;
    const spans = llmSpans(rand, 60 + int(rand, 120), () => BASE_NS - (day += 1n) * 86_400_000_000_000n);
    return otlpProtobuf(spans, 'fuzz-partitions');
  },
  /** An attribute whose value is an array nested thousands deep. */
  'deep nesting': (rand) => {
    // AnyValue{array_value(5): ArrayValue{values(1): ...}} around AnyValue{string_value:"x"}, built outside in
    // from the lengths (copying the inner bytes at every level would be quadratic)
    const innermost = Uint8Array.from([0x0a, 0x01, 0x78]);
    const prefixes: number[][] = [];
    let length = innermost.length;
    for (let i = 1000 + int(rand, 20_000); i > 0; i--) {
      const arrayLength = 1 + encodeVarint(BigInt(length)).length + length;
      prefixes.push([0x2a, ...encodeVarint(BigInt(arrayLength)), 0x0a, ...encodeVarint(BigInt(length))]);
      length = 1 + encodeVarint(BigInt(arrayLength)).length + arrayLength;
    }
    const value = Buffer.concat([...prefixes.reverse().map((p) => Uint8Array.from(p)), innermost]);
    const tree = parseMessage(otlpProtobuf(llmSpans(rand, 1)));
    const span = spanMessages(tree)[0]!;
    span.push({
      field: 9,
      wire: 2,
      value: {
        kind: 'bytes',
        bytes: encodeMessage([
          { field: 1, wire: 2, value: { kind: 'bytes', bytes: Buffer.from('deep') } },
          { field: 2, wire: 2, value: { kind: 'bytes', bytes: value } },
        ]),
      },
    });
    return encodeMessage(tree);
  },
  /** Tens of thousands of tiny attributes on one span. */
  'many attributes': (rand) => {
    const attributes: Record<string, string> = {};
    for (let i = 10_000 + int(rand, 40_000); i > 0; i--) attributes[`k${i}`] = 'v';
    return otlpProtobuf(llmSpans(rand, 1).map((s) => ({ ...s, attributes })));
  },
};

const JSON_VALUES: Array<(rand: Rand) => unknown> = [
  () => '\ud800',
  () => 'x\udfffy',
  () => '\udbff\udbff',
  () => null,
  () => ({}),
  () => [],
  () => -1,
  () => 1e308,
  () => '18446744073709551616',
  () => '99999999999999999999999',
  () => '1e30',
  () => '-5',
  () => 'not-hex-at-all',
  (rand) => String(oddTimestamp(rand)),
  (rand) => '0'.repeat(int(rand, 64)),
  (rand) => {
    const depth = 100 + int(rand, 800); // far past the server's 64, within JSON.stringify's stack
    return JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown;
  },
];

function jsonPaths(
  value: unknown,
  path: Array<string | number> = [],
  out: Array<Array<string | number>> = [],
) {
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const next = [...path, Array.isArray(value) ? Number(k) : k];
      out.push(next);
      jsonPaths(v, next, out);
    }
  }
  return out;
}

function jsonBody(rand: Rand, base: string): { body: Uint8Array; mutation: string } {
  const kind = pick(rand, [
    'value swap',
    'lone surrogate',
    'invalid UTF-8',
    'bit flips',
    'truncation',
    'timestamps',
  ]);
  const doc = JSON.parse(base) as Record<string, unknown>;
  const paths = jsonPaths(doc);
  const setAt = (path: Array<string | number>, value: unknown) => {
    let node = doc as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (!next || typeof next !== 'object') return; // an earlier swap replaced this branch
      node = next as Record<string | number, unknown>;
    }
    node[path.at(-1)!] = value;
  };
  if (kind === 'value swap') {
    for (let n = 1 + int(rand, 3); n > 0; n--) setAt(pick(rand, paths), pick(rand, JSON_VALUES)(rand)); // paths of the base body: never inside a swapped-in value
  } else if (kind === 'lone surrogate') {
    const strings = paths.filter(
      (p) => typeof p.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], doc) === 'string',
    );
    for (let n = 1 + int(rand, 3); n > 0; n--)
      setAt(pick(rand, strings), pick(rand, ['\ud800', 'a\udc00b', '\ud83d']));
  } else if (kind === 'timestamps') {
    for (const p of paths.filter((q) => String(q.at(-1)).endsWith('UnixNano'))) {
      if (rand() < 0.7) setAt(p, rand() < 0.8 ? String(oddTimestamp(rand)) : pick(rand, JSON_VALUES)(rand));
    }
  }
  const text = Buffer.from(JSON.stringify(doc), 'utf8');
  if (kind === 'invalid UTF-8') {
    // raw bytes inside a string literal: the server must not read them as text silently
    const quotes = [...text.keys()].filter((i) => text[i] === 0x22);
    const at = pick(rand, quotes) + 1;
    return {
      body: Buffer.concat([text.subarray(0, at), Buffer.from(pick(rand, INVALID_UTF8)), text.subarray(at)]),
      mutation: kind,
    };
  }
  if (kind === 'bit flips') {
    for (let i = 1 + int(rand, 8); i > 0; i--) text[int(rand, text.length)]! ^= 1 << int(rand, 8);
  }
  if (kind === 'truncation') return { body: text.subarray(0, int(rand, text.length)), mutation: kind };
  return { body: text, mutation: kind };
}

let bomb: Uint8Array | undefined;
/** 80 MiB of zeros in ~80 KiB: past the default 64 MiB decompressed limit. Built once. */
const gzipBomb = () => (bomb ??= gzipSync(Buffer.alloc(80 * 1024 * 1024)));

/** The fuzz body of case `index` under `seed`: the same inputs always give the same bytes. */
export function fuzzBody(seed: number, index: number): FuzzBody {
  const rand = prng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const spans = llmSpans(rand, 1 + int(rand, 4));
  let result: FuzzBody;
  const roll = rand();
  if (roll < 0.2) {
    const { body, mutation } = jsonBody(rand, otlpJson(spans));
    result = { format: 'json', body, mutation: `json ${mutation}` };
  } else if (roll < 0.25) {
    const name = pick(rand, Object.keys(PROTO_GENERATORS));
    result = { format: 'protobuf', body: PROTO_GENERATORS[name]!(rand), mutation: name };
  } else {
    const tree = parseMessage(otlpProtobuf(spans));
    const donor = parseMessage(otlpProtobuf(llmSpans(rand, 1)));
    const names: string[] = [];
    let body: Uint8Array | null = null;
    // one to three mutations; byte-level ones end the chain since the result may no longer parse
    for (let n = 1 + (rand() < 0.3 ? int(rand, 3) : 0); n > 0 && !body; n--) {
      const name = pick(rand, Object.keys(PROTO_MUTATIONS));
      names.push(name);
      const out = PROTO_MUTATIONS[name]!(rand, tree, donor);
      if (typeof out !== 'string') body = out;
    }
    result = { format: 'protobuf', body: body ?? encodeMessage(tree), mutation: names.join(' + ') };
  }
  const wrap = rand();
  if (wrap < 0.1)
    return {
      ...result,
      body: gzipSync(result.body),
      contentEncoding: 'gzip',
      mutation: `gzip(${result.mutation})`,
    };
  if (wrap < 0.13) {
    const gz = gzipSync(result.body);
    gz[10 + int(rand, Math.max(1, gz.length - 10))]! ^= 0xff;
    return { ...result, body: gz, contentEncoding: 'gzip', mutation: `corrupt gzip(${result.mutation})` };
  }
  if (wrap < 0.14) return { ...result, body: gzipBomb(), contentEncoding: 'gzip', mutation: 'gzip bomb' };
  return result;
}
