/**
 * A growable buffer of ClickHouse RowBinary values (https://clickhouse.com/docs/interfaces/formats/RowBinary):
 * little-endian numbers, strings as LEB128 length + UTF-8 bytes. Values go straight into one Buffer outside
 * the V8 heap: no row objects, no JSON escaping in JS, no JSON parsing in ClickHouse.
 */
export class RowBinaryBuffer {
  private buf: Buffer;
  private pos = 0;

  constructor(initialBytes: number) {
    this.buf = Buffer.allocUnsafe(Math.max(1024, initialBytes));
  }

  get length(): number {
    return this.pos;
  }

  /** The bytes written so far (a view, not a copy). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  uint8(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  uint32(value: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(value, this.pos);
    this.pos += 4;
  }

  int64(value: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(value, this.pos);
    this.pos += 8;
  }

  uint64(value: bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64LE(value, this.pos);
    this.pos += 8;
  }

  float64(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  /** LEB128, as RowBinary prefixes string lengths and array/map sizes. */
  varint(value: number): void {
    this.ensure(5);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  /**
   * UTF-8 with a length prefix. Lone UTF-16 surrogates become U+FFFD (Buffer's UTF-8 encoder), as
   * String.prototype.toWellFormed would make them: ClickHouse stores the same bytes the JSON path stored.
   */
  string(value: string): void {
    const chars = value.length;
    if (chars < 43) {
      // At most 126 bytes of UTF-8: the length fits in one varint byte, written after the text.
      this.ensure(1 + chars * 3);
      const written = this.buf.write(value, this.pos + 1, 'utf8');
      this.buf[this.pos] = written;
      this.pos += 1 + written;
      return;
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.varint(bytes);
    this.ensure(bytes);
    this.pos += this.buf.write(value, this.pos, 'utf8');
  }

  /** Nullable(UInt32): a null flag byte, then the value when not null. */
  nullableUint32(value: number | null): void {
    if (value === null) this.uint8(1);
    else {
      this.uint8(0);
      this.uint32(value);
    }
  }

  nullableFloat64(value: number | null): void {
    if (value === null) this.uint8(1);
    else {
      this.uint8(0);
      this.float64(value);
    }
  }

  strings(values: readonly string[]): void {
    this.varint(values.length);
    for (const value of values) this.string(value);
  }
}
