import type { RefusalCheck } from '../scenarios/scenario.js';

/** Distinct labels kept per run; the rest count under OTHER_REFUSALS, so the map stays small. */
export const MAX_REFUSAL_LABELS = 10;
export const OTHER_REFUSALS = 'other';
/** A label carries a reason the server chose; cut it so one odd answer cannot bloat the report. */
export const MAX_LABEL_LENGTH = 80;
export const NOT_JSON = 'body is not JSON';
export const CHECK_THREW = 'refusal check threw';

/** The refusals of one run: how many 2xx answers were refusals, and how many per label. */
export interface RefusalCounts {
  readonly refused: number;
  readonly refusalCounts: Readonly<Record<string, number>>;
}

export const NO_REFUSALS: RefusalCounts = { refused: 0, refusalCounts: {} };

/** The refusal label of one 2xx answer's body text; undefined when it is what was wanted. */
export function refusalOf(check: RefusalCheck, text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
  // The check runs inside the load generator's response callback: a throw there would end
  // the run, where counting it keeps the run going and still fails the error-rate gate.
  try {
    return check(body);
  } catch {
    return CHECK_THREW;
  }
}

export interface RefusalTally {
  /** Judges one 2xx answer's body text; counts it when it is a refusal. */
  readonly record: (text: string) => void;
  readonly counts: () => RefusalCounts;
}

export function refusalTally(check: RefusalCheck): RefusalTally {
  // A Map, not an object: a label comes from the server and could be "__proto__".
  const byLabel = new Map<string, number>();
  let refused = 0;
  return {
    record: (text) => {
      const label = refusalOf(check, text);
      if (label === undefined) return;
      refused += 1;
      const cut =
        label.length > MAX_LABEL_LENGTH ? `${label.slice(0, MAX_LABEL_LENGTH - 1)}…` : label;
      const key = byLabel.has(cut) || byLabel.size < MAX_REFUSAL_LABELS ? cut : OTHER_REFUSALS;
      byLabel.set(key, (byLabel.get(key) ?? 0) + 1);
    },
    counts: () => ({ refused, refusalCounts: Object.fromEntries(byLabel) }),
  };
}
