/**
 * OTLP/HTTP error bodies are a google.rpc.Status { int32 code = 1; string message = 2; } in the
 * request's encoding. Encoded by hand: two fields do not justify a generated module.
 */
export function encodeStatusProtobuf(code: number, message: string): Buffer {
  const text = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from([0x08]), varint(code), Buffer.from([0x12]), varint(text.length), text]);
}

export function encodeStatusJson(code: number, message: string): string {
  return JSON.stringify({ code, message });
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let v = value >>> 0;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return Buffer.from(bytes);
}
