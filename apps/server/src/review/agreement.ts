import type { Judgement, Rubric } from '@driftwatch/contracts';

/**
 * Cohen's kappa of two raters over the same items: (po - pe) / (1 - pe), po the share of items they put in the
 * same category, pe the agreement expected by chance from each rater's own category shares. Null without items,
 * or when chance agreement is certain (both always chose one same category: kappa is undefined there).
 */
export function cohensKappa(pairs: ReadonlyArray<readonly [string, string]>): number | null {
  const n = pairs.length;
  if (n === 0) return null;
  const first = new Map<string, number>();
  const second = new Map<string, number>();
  let agreed = 0;
  for (const [a, b] of pairs) {
    if (a === b) agreed += 1;
    first.set(a, (first.get(a) ?? 0) + 1);
    second.set(b, (second.get(b) ?? 0) + 1);
  }
  const observed = agreed / n;
  let expected = 0;
  for (const [category, count] of first) expected += (count / n) * ((second.get(category) ?? 0) / n);
  if (expected >= 1) return null;
  return (observed - expected) / (1 - expected);
}

export interface PairAgreement {
  reviewers: [string, string];
  items: number;
  /** Share of items both put in the same category. */
  observed: number;
  kappa: number | null;
}

export interface Agreement {
  /** Per pair of reviewers who judged the same items. */
  pairs: PairAgreement[];
  /** Kappa over every pair's items together (each pair ordered by reviewer id). */
  overall: { items: number; observed: number | null; kappa: number | null };
}

/** Agreement on one categorical reading of judgements (the label, or a boolean or categorical criterion). */
function agreementOn(
  judgements: readonly Judgement[],
  categoryOf: (j: Judgement) => string | null,
): Agreement {
  const byItem = new Map<string, Map<string, string>>();
  for (const j of judgements) {
    const category = categoryOf(j);
    if (category === null) continue;
    let raters = byItem.get(j.itemId);
    if (!raters) byItem.set(j.itemId, (raters = new Map()));
    raters.set(j.reviewerId, category);
  }
  const byPair = new Map<string, Array<[string, string]>>();
  for (const raters of byItem.values()) {
    const ids = [...raters.keys()].sort();
    for (let i = 0; i < ids.length; i++)
      for (let k = i + 1; k < ids.length; k++) {
        const key = `${ids[i]}\n${ids[k]}`;
        let list = byPair.get(key);
        if (!list) byPair.set(key, (list = []));
        list.push([raters.get(ids[i]!)!, raters.get(ids[k]!)!]);
      }
  }
  const all: Array<[string, string]> = [];
  const pairs = [...byPair].map(([key, list]) => {
    all.push(...list);
    const [a, b] = key.split('\n') as [string, string];
    const agreed = list.filter(([x, y]) => x === y).length;
    return {
      reviewers: [a, b] as [string, string],
      items: list.length,
      observed: agreed / list.length,
      kappa: cohensKappa(list),
    };
  });
  const agreedAll = all.filter(([x, y]) => x === y).length;
  return {
    pairs,
    overall: {
      items: all.length,
      observed: all.length ? agreedAll / all.length : null,
      kappa: cohensKappa(all),
    },
  };
}

/** Agreement on the judgement label and on each boolean or categorical criterion of the rubric. */
export function queueAgreement(
  judgements: readonly Judgement[],
  rubric: Rubric,
): { label: Agreement; criteria: Record<string, Agreement> } {
  const criteria: Record<string, Agreement> = {};
  for (const c of rubric.criteria) {
    if (c.type === 'numeric') continue;
    criteria[c.name] = agreementOn(judgements, (j) => {
      const value = j.scores[c.name];
      if (value === undefined) return null;
      return c.type === 'boolean' ? String(value === true || value === 1) : String(value);
    });
  }
  return { label: agreementOn(judgements, (j) => j.label || null), criteria };
}
