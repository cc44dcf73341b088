/**
 * Bidirectional control characters (embeddings, overrides, isolates, marks) that let text reorder what follows
 * it: "‮exe.live" shows as "evil.exe". User-supplied text is shown without them and inside an isolate.
 */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export function stripBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

export function hasBidiControls(text: string): boolean {
  return new RegExp(BIDI_CONTROLS.source).test(text);
}
