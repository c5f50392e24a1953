// Defects the sweep has found and that are not fixed yet, each as the pattern of the failures it
// causes, for the suite that sees them. A sweep passes when its failures are exactly these: a
// failure no pattern explains fails it, and so does a pattern that no longer matches anything (the
// fix removes its entry, so every fix shows which cases failed before it).
export interface KnownDefect {
  /** The suite whose failures the pattern explains. */
  suite: 'sweep' | 'pollution';
  /** What is wrong (and what fixes it). */
  defect: string;
  /** The failures it causes (matched against each failure's text). */
  pattern: RegExp;
}

export const KNOWN: readonly KnownDefect[] = [
];

/**
 * The failures no known defect explains, and the known defects of `suite` that explain none (fixed:
 * remove them). `matched` collects the patterns that matched, for a check across several tests.
 */
export function unexplained(suite: KnownDefect['suite'], failures: readonly string[], matched?: Set<KnownDefect>): string[] {
  const mine = KNOWN.filter((k) => k.suite === suite);
  const out: string[] = [];
  for (const f of failures) {
    const k = mine.find((d) => d.pattern.test(f));
    if (k === undefined) out.push(f);
    else matched?.add(k);
  }
  return out;
}

/** The known defects of `suite` that `matched` does not hold: fixed, so their entries must go. */
export function stale(suite: KnownDefect['suite'], matched: ReadonlySet<KnownDefect>): string[] {
  return KNOWN.filter((k) => k.suite === suite && !matched.has(k)).map((k) => `fixed? no failure matches "${k.defect}" (${String(k.pattern)}): remove it from known.ts`);
}
