/** Tail probabilities of the distributions the tests need (no dependencies). */

/** P(Z > z) for a standard normal, accurate in the far tail (relative error < 1.2e-7). */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Complementary error function, relative error < 1.2e-7 everywhere (Numerical Recipes erfcc). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const y = x - 1;
  let a = c[0]!;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln(n!) */
export function logFactorial(n: number): number {
  return logGamma(n + 1);
}

/** Upper regularized incomplete gamma Q(a, x) = Γ(a, x) / Γ(a) (series below a + 1, continued fraction above). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.max(0, 1 - sum * Math.exp(-x + a * Math.log(x) - logGamma(a)));
  }
  // Lentz's continued fraction.
  let b = x + 1 - a;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(-x + a * Math.log(x) - logGamma(a)) * h);
}

/** P(X > x) for a chi-square with `df` degrees of freedom. */
export function chiSquareSf(x: number, df: number): number {
  return gammaQ(df / 2, x / 2);
}

/**
 * P(X > x) for the gamma distribution with the given mean and variance (moment matching). Used to read a tail
 * p-value off a permutation null of a non-negative statistic (a squared distance, an MMD), whose null is a weighted
 * sum of chi-squares: the Satterthwaite-Welch approximation. Far more permutations would be needed otherwise to
 * resolve the p-values multiple-testing control asks for (e.g. 1e-4).
 */
export function gammaSf(x: number, mean: number, variance: number): number {
  if (!(variance > 0) || !(mean > 0)) return x > mean ? 0 : 1;
  const shape = (mean * mean) / variance;
  const scale = variance / mean;
  return gammaQ(shape, x / scale);
}

/**
 * P(X > x) for a Pearson type III (shifted gamma) with the given mean, sd and skewness: the three-moment fit
 * Gretton et al. (2007) use for an MMD's permutation null. Statistics like a squared distance of means carry a
 * permutation-invariant constant (the vectors' own squared norms), so a two-moment gamma from 0 would be far too
 * symmetric and underestimate the tail; the shift absorbs the constant. Normal tail when the skew is ~0.
 */
export function pearson3Sf(x: number, mean: number, sd: number, skewness: number): number {
  if (!(sd > 0)) return x > mean ? 0 : 1;
  if (!(skewness > 0.02)) return normalSf((x - mean) / sd);
  const shape = 4 / (skewness * skewness);
  const scale = (sd * skewness) / 2;
  const location = mean - shape * scale;
  return gammaQ(shape, Math.max(0, (x - location) / scale));
}
