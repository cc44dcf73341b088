const HEX: readonly string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

type HexSlice = (this: Uint8Array, start: number, end: number) => string;

/**
 * Node's Buffer.prototype.hexSlice (what buf.toString('hex') calls) accepts any Uint8Array and is about
 * twice as fast as building the string in JS. It is not documented, so it is used only if present and
 * correct; elsewhere (browsers) the JS loop runs.
 */
const nativeHexSlice: HexSlice | undefined = (() => {
  const candidate: unknown = (globalThis as { Buffer?: { prototype?: { hexSlice?: unknown } } }).Buffer
    ?.prototype?.hexSlice;
  if (typeof candidate !== 'function') return undefined;
  try {
    return candidate.call(new Uint8Array([0x0f, 0xab, 0x10]), 1, 3) === 'ab10'
      ? (candidate as HexSlice)
      : undefined;
  } catch {
    return undefined;
  }
})();

/** Lowercase hex of bytes[start, end). */
export function bytesToHex(bytes: Uint8Array, start: number, end: number): string {
  return nativeHexSlice === undefined
    ? bytesToHexJs(bytes, start, end)
    : nativeHexSlice.call(bytes, start, end);
}

export function bytesToHexJs(bytes: Uint8Array, start: number, end: number): string {
  let hex = '';
  for (let i = start; i < end; i++) hex += HEX[bytes[i] ?? 0];
  return hex;
}
