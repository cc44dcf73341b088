/**
 * The key of an `Authorization: Bearer <key>` header (HTTP) or `authorization` metadata entry (gRPC);
 * undefined when absent or not a bearer credential. One parser, so both transports accept the same forms.
 */
export function bearerKey(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(value)?.[1];
}
