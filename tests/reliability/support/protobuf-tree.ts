/**
 * A protobuf message as an editable tree, so a fuzzer can change one field and re-encode every enclosing
 * length correctly (or, on purpose, incorrectly). Length-delimited payloads that parse as a message with
 * small field numbers are treated as messages, everything else as bytes: a heuristic, fine for fuzzing.
 */
export type Value =
  | { kind: 'varint'; value: bigint }
  | { kind: 'fixed'; bytes: Uint8Array }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'message'; fields: Field[] }
  /** Written as is after the tag: overlong varints, garbage. */
  | { kind: 'raw'; bytes: Uint8Array };

export interface Field {
  field: number;
  wire: number;
  value: Value;
  /** A length prefix that lies about the payload that follows. */
  lengthOverride?: bigint;
}

const MAX_MESSAGE_FIELD = 20; // OTLP messages use field numbers up to 16

export function parseMessage(bytes: Uint8Array): Field[] {
  const fields = tryParse(bytes);
  if (!fields) throw new Error('not a protobuf message');
  return fields;
}

function tryParse(bytes: Uint8Array): Field[] | null {
  const fields: Field[] = [];
  let pos = 0;
  const varint = (): bigint | null => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (pos >= bytes.length) return null;
      const byte = bytes[pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asUintN(64, result);
    }
    return null;
  };
  while (pos < bytes.length) {
    const tag = varint();
    if (tag === null) return null;
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (field < 1 || field > MAX_MESSAGE_FIELD) return null;
    if (wire === 0) {
      const value = varint();
      if (value === null) return null;
      fields.push({ field, wire, value: { kind: 'varint', value } });
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      if (pos + size > bytes.length) return null;
      fields.push({ field, wire, value: { kind: 'fixed', bytes: bytes.slice(pos, pos + size) } });
      pos += size;
    } else if (wire === 2) {
      const length = varint();
      if (length === null || BigInt(pos) + length > BigInt(bytes.length)) return null;
      const payload = bytes.slice(pos, pos + Number(length));
      pos += Number(length);
      const inner = payload.length > 0 ? tryParse(payload) : null;
      fields.push({
        field,
        wire,
        value: inner ? { kind: 'message', fields: inner } : { kind: 'bytes', bytes: payload },
      });
    } else {
      return null;
    }
  }
  return fields;
}

export function encodeVarint(value: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, value);
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

export function encodeMessage(fields: Field[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of fields) {
    parts.push(Uint8Array.from(encodeVarint((BigInt(f.field) << 3n) | BigInt(f.wire & 7))));
    const v = f.value;
    if (v.kind === 'varint') parts.push(Uint8Array.from(encodeVarint(v.value)));
    else if (v.kind === 'fixed' || v.kind === 'raw') parts.push(v.bytes);
    else {
      const payload = v.kind === 'message' ? encodeMessage(v.fields) : v.bytes;
      const length = f.lengthOverride ?? BigInt(payload.length);
      parts.push(Uint8Array.from(encodeVarint(length)), payload);
    }
  }
  return Buffer.concat(parts);
}

/** Every field of the tree with the list that holds it, depth first. */
export function allFields(fields: Field[], out: Array<{ field: Field; parent: Field[] }> = []) {
  for (const f of fields) {
    out.push({ field: f, parent: fields });
    if (f.value.kind === 'message') allFields(f.value.fields, out);
  }
  return out;
}

/** Every message (field list) of the tree, the root included. */
export function allMessages(fields: Field[], out: Field[][] = []): Field[][] {
  out.push(fields);
  for (const f of fields) if (f.value.kind === 'message') allMessages(f.value.fields, out);
  return out;
}

export function cloneFields(fields: Field[]): Field[] {
  return fields.map((f) => ({
    ...f,
    value:
      f.value.kind === 'message'
        ? { kind: 'message', fields: cloneFields(f.value.fields) }
        : f.value.kind === 'varint'
          ? { ...f.value }
          : { kind: f.value.kind, bytes: f.value.bytes.slice() },
  }));
}
