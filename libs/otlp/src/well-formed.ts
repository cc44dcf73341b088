/** String.prototype.isWellFormed/toWellFormed (ES2024, Node 20+); the workspace's TypeScript lib is ES2023. */
interface Es2024String {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/**
 * The string with every lone surrogate replaced by U+FFFD, as a browser's TextDecoder would. ClickHouse refuses
 * a JSONEachRow row holding a lone surrogate escape (error 25), so no decoded string may carry one. The check
 * does not allocate; only an ill-formed string is copied.
 */
export function wellFormed(text: string): string {
  const s = text as unknown as Es2024String;
  return s.isWellFormed() ? text : s.toWellFormed();
}
