/** DateTime64(3) text as ClickHouse takes it in JSONEachRow: "YYYY-MM-DD hh:mm:ss.sss" (UTC). */
export function toClickHouseTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** toString(DateTime64) back to ISO 8601. */
export function fromClickHouseTime(text: string): string {
  return new Date(`${text.replace(' ', 'T')}Z`).toISOString();
}
