/** Twelve distinguishable hues; a topic keeps its colour across pages (chosen by its stable id's number). */
const PALETTE = [
  '#2f5fd0',
  '#d98b19',
  '#1e9e8e',
  '#c0392b',
  '#8e44ad',
  '#6b8e23',
  '#d35f9c',
  '#0f7fa8',
  '#a0522d',
  '#5b6775',
  '#b8a100',
  '#3c9d4e',
];

export function topicColor(topicId: string): string {
  const n = Number(/\d+/.exec(topicId)?.[0] ?? 0);
  return PALETTE[(n - 1 + PALETTE.length) % PALETTE.length]!;
}
