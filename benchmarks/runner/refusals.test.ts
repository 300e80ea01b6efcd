import { describe, expect, test } from 'vitest';
import {
  CHECK_THREW,
  MAX_LABEL_LENGTH,
  MAX_REFUSAL_LABELS,
  NOT_JSON,
  OTHER_REFUSALS,
  refusalOf,
  refusalTally,
} from './refusals.js';

// A check like a scenario's: refuses anything whose `ok` is not true, labelled by `why`.
const check = (body: unknown): string | undefined => {
  const b = body as { ok?: unknown; why?: unknown } | null;
  return b?.ok === true ? undefined : String(b?.why ?? 'no reason');
};
const refuse = (why: string) => JSON.stringify({ ok: false, why });

describe('refusalOf', () => {
  test.each([
    ['a wanted answer', '{"ok":true}', undefined],
    ['a refusal', refuse('Rejected: ALP_X'), 'Rejected: ALP_X'],
    ['text that is not JSON', 'Service Unavailable', NOT_JSON],
    ['an empty body', '', NOT_JSON],
  ])('%s → %j', (_name, text, label) => {
    expect(refusalOf(check, text)).toBe(label);
  });

  test('a check that throws counts as a refusal instead of ending the run', () => {
    const throwing = (body: unknown) => (body as { a: { b: string } }).a.b;
    expect(refusalOf(throwing, '{}')).toBe(CHECK_THREW);
  });
});

describe('refusalTally', () => {
  test('counts refusals by label; wanted answers are not counted', () => {
    const t = refusalTally(check);
    for (const text of [
      '{"ok":true}',
      refuse('Rejected: ALP_ORDERS_RISK_UNAVAILABLE'),
      refuse('Expired'),
      '{"ok":true}',
      refuse('Rejected: ALP_ORDERS_RISK_UNAVAILABLE'),
      '<html>',
    ]) {
      t.record(text);
    }
    expect(t.counts()).toEqual({
      refused: 4,
      refusalCounts: {
        'Rejected: ALP_ORDERS_RISK_UNAVAILABLE': 2,
        Expired: 1,
        'body is not JSON': 1,
      },
    });
  });

  test('nothing recorded: no refusals', () => {
    expect(refusalTally(check).counts()).toEqual({ refused: 0, refusalCounts: {} });
  });

  test('at most 10 labels; later labels count under "other", known ones keep counting', () => {
    expect(MAX_REFUSAL_LABELS).toBe(10);
    const t = refusalTally(check);
    for (let i = 1; i <= 13; i++) t.record(refuse(`reason ${i}`));
    t.record(refuse('reason 1'));
    t.record(refuse('reason 13'));
    const counts = t.counts();
    expect(counts.refused).toBe(15);
    expect(counts.refusalCounts).toEqual({
      'reason 1': 2,
      'reason 2': 1,
      'reason 3': 1,
      'reason 4': 1,
      'reason 5': 1,
      'reason 6': 1,
      'reason 7': 1,
      'reason 8': 1,
      'reason 9': 1,
      'reason 10': 1,
      [OTHER_REFUSALS]: 4,
    });
  });

  test('a long label is cut, so one odd reason cannot bloat the report', () => {
    const t = refusalTally(check);
    t.record(refuse(`Rejected: ${'x'.repeat(200)}`));
    const [label] = Object.keys(t.counts().refusalCounts);
    expect(label).toBe(`Rejected: ${'x'.repeat(MAX_LABEL_LENGTH - 11)}…`);
    expect(label).toHaveLength(MAX_LABEL_LENGTH);
  });

  test('a label named like an object key is counted as data', () => {
    const t = refusalTally(check);
    t.record(refuse('__proto__'));
    t.record(refuse('__proto__'));
    const { refusalCounts } = t.counts();
    expect(Object.entries(refusalCounts)).toEqual([['__proto__', 2]]);
  });
});
