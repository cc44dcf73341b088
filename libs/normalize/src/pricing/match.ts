import type { ModelPrice, PriceTable } from './types.js';

/** Date and version suffixes removed one at a time: gpt-4o-2024-08-06, claude-3-5-sonnet-20241022, -v1:0, -001. */
const SUFFIXES = [
  /@[\w.-]+$/,
  /:\d+$/,
  /-v\d+$/,
  /-\d{4}-\d{2}-\d{2}$/,
  /-\d{8}$/,
  /-\d{2}-\d{2}$/,
  /-\d{4}$/,
  /-\d{3}$/,
  /-latest$/,
  /-preview$/,
  /-exp$/,
];

/** Bedrock ids: "anthropic.claude-...", with an optional cross-region prefix ("us.anthropic.claude-..."). */
const VENDOR_PREFIX =
  /^(?:(?:us|eu|apac|global)\.)?(?:anthropic|meta|amazon|mistral|cohere|openai|deepseek)\./;

/** Names to try for a model, most exact first. */
export function modelCandidates(model: string): string[] {
  const name = model.trim().toLowerCase();
  if (name === '') return [];
  const bases = [name];
  const slash = name.lastIndexOf('/');
  if (slash >= 0) bases.push(name.slice(slash + 1));
  const last = bases[bases.length - 1] ?? name;
  if (VENDOR_PREFIX.test(last)) bases.push(last.replace(VENDOR_PREFIX, ''));
  const out: string[] = [];
  for (const base of bases) {
    for (const variant of new Set([base, base.replace(/(\d)\.(\d)/g, '$1-$2')])) {
      let current = variant;
      out.push(current);
      for (let stripped = true; stripped;) {
        stripped = false;
        for (const suffix of SUFFIXES) {
          const next = current.replace(suffix, '');
          if (next !== current && next !== '') {
            current = next;
            out.push(current);
            stripped = true;
            break;
          }
        }
      }
    }
  }
  return [...new Set(out)];
}

/** The price of a model: exact name first, then without provider prefix and date/version suffixes. */
export function findPrice(model: string, table: PriceTable): ModelPrice | null {
  for (const candidate of modelCandidates(model)) {
    const price = table.models[candidate];
    if (price) return price;
  }
  return null;
}
