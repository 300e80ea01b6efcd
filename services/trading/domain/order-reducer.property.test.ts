import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Dec, divideRounded, formatDecimal, STORAGE_SCALE } from '../../platform/decimal.js';
import { newOrderState } from './order-new.js';
import { applyExecutionReport } from './order-reducer.js';
import { canTransition, isTerminal } from './order-transitions.js';
import type { ExecutionReport, OrderState } from './order-types.js';

// Quantities are whole lots of 0.001 and prices whole ticks of 0.01, as the broker sends.
const lots = (min: number, max: number) =>
  fc.integer({ min, max }).map((n) => formatDecimal(new Dec(n).times('0.001')));
const ticks = fc
  .integer({ min: 1, max: 10_000_000 })
  .map((n) => formatDecimal(new Dec(n).times('0.01')));

const fillReport = fc.record({
  kind: fc.constant('fill' as const),
  execId: fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8'),
  quantity: lots(1, 600),
  price: ticks,
});
const anyReport: fc.Arbitrary<ExecutionReport> = fc.oneof(
  { weight: 5, arbitrary: fillReport },
  { weight: 2, arbitrary: fc.constant({ kind: 'accepted' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'rejected' as const, reason: 'r' }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cancel-requested' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'canceled' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cancel-rejected' as const, reason: 'r' }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'expired' as const }) },
);

function checkInvariants(
  s: OrderState,
  appliedFills: ReadonlyMap<string, { quantity: string; price: string }>,
): void {
  const qty = new Dec(s.quantity);
  const cum = new Dec(s.cumQty);
  const leaves = new Dec(s.leavesQty);
  expect(cum.gte(0) && leaves.gte(0) && cum.lte(qty)).toBe(true);
  if (isTerminal(s.status)) expect(leaves.isZero()).toBe(true);
  else expect(cum.plus(leaves).eq(qty)).toBe(true);
  expect(s.status === 'Filled').toBe(cum.eq(qty));
  if (s.status === 'PendingNew' || s.status === 'New' || s.status === 'Rejected')
    expect(cum.isZero()).toBe(true);
  if (s.status === 'PartiallyFilled') expect(cum.gt(0)).toBe(true);
  expect(new Set(s.execIds).size).toBe(s.execIds.length);
  // The exact notional is the sum of exactly the fills that were applied, once each.
  let notional = new Dec(0);
  let filled = new Dec(0);
  for (const id of s.execIds) {
    const f = appliedFills.get(id);
    if (f === undefined) throw new Error(`unknown exec id ${id}`);
    notional = notional.plus(new Dec(f.quantity).times(f.price));
    filled = filled.plus(f.quantity);
  }
  expect(new Dec(s.cumNotional).eq(notional)).toBe(true);
  expect(filled.eq(cum)).toBe(true);
  if (cum.isZero()) expect(s.avgPx).toBeNull();
  else {
    expect(s.avgPx).toBe(formatDecimal(divideRounded(notional, cum, STORAGE_SCALE)));
    const error = new Dec(s.avgPx ?? '0').times(cum).minus(notional).abs();
    expect(error.lte(cum.times('0.5e-18'))).toBe(true);
  }
}

describe('order state machine properties', () => {
  test('any sequence of reports keeps every invariant after every step', () => {
    fc.assert(
      fc.property(lots(1, 2000), fc.array(anyReport, { maxLength: 40 }), (quantity, reports) => {
        let s = newOrderState(new Dec(quantity));
        const applied = new Map<string, { quantity: string; price: string }>();
        for (const report of reports) {
          const result = applyExecutionReport(s, report);
          if (!result.ok) {
            expect(result.state).toBe(s);
            continue;
          }
          const next = result.state;
          if (next.status !== s.status) {
            expect(isTerminal(s.status)).toBe(false);
            expect(canTransition(s.status, next.status)).toBe(true);
            expect(result.transition).toEqual({ from: s.status, to: next.status });
          }
          if (report.kind === 'fill' && result.changed) applied.set(report.execId, report);
          if (!result.changed) expect(next).toBe(s);
          s = next;
          checkInvariants(s, applied);
        }
      }),
      { numRuns: 500 },
    );
  });

  test('a repeated exec id never changes the order, whatever its figures', () => {
    fc.assert(
      fc.property(lots(600, 2000), fillReport, lots(1, 600), ticks, (quantity, first, q2, p2) => {
        const s0 = applyExecutionReport(newOrderState(new Dec(quantity)), {
          kind: 'accepted',
        }).state;
        const s1 = applyExecutionReport(s0, first).state;
        expect(s1.execIds).toEqual([first.execId]);
        const again = applyExecutionReport(s1, { ...first, quantity: q2, price: p2 });
        expect(again.state).toBe(s1);
      }),
    );
  });

  /**
   * A cancel racing fills. The broker is the authority: it fills until it processes the
   * cancel, then cancels the rest, or rejects the cancel if nothing is left. Trading sees
   * its own cancel request somewhere in the stream and the broker's reports in order, each
   * possibly delivered again later (at-least-once). The order must end in exactly the
   * broker's final state.
   */
  test('a cancel racing a fill ends in one consistent state', () => {
    const scenario = fc.record({
      quantity: fc.integer({ min: 1, max: 50 }),
      fills: fc.array(
        fc.record({ q: fc.integer({ min: 1, max: 20 }), p: fc.integer({ min: 1, max: 1000 }) }),
        {
          maxLength: 8,
        },
      ),
      cancelSentAfter: fc.nat(),
      cancelProcessedDelay: fc.nat({ max: 8 }),
      redeliveries: fc.array(fc.nat(), { maxLength: 10 }),
      redeliverAt: fc.array(fc.nat(), { maxLength: 10 }),
    });
    fc.assert(
      fc.property(
        scenario,
        ({ quantity, fills, cancelSentAfter, cancelProcessedDelay, redeliveries, redeliverAt }) => {
          // The broker's authoritative story.
          const broker: ExecutionReport[] = [{ kind: 'accepted' }];
          let leaves = quantity;
          let filledNotional = new Dec(0);
          const cancelProcessedAt = Math.min(
            fills.length,
            (cancelSentAfter % (fills.length + 1)) + cancelProcessedDelay,
          );
          fills.slice(0, cancelProcessedAt).forEach((f, i) => {
            const q = Math.min(f.q, leaves);
            if (q === 0) return;
            leaves -= q;
            filledNotional = filledNotional.plus(new Dec(q).times(f.p));
            broker.push({ kind: 'fill', execId: `x${i}`, quantity: String(q), price: String(f.p) });
          });
          broker.push(
            leaves > 0
              ? { kind: 'canceled' }
              : { kind: 'cancel-rejected', reason: 'too late to cancel' },
          );
          // What trading sees: the local cancel request, then broker reports with repeats.
          const cancelIndex = 1 + Math.min(cancelSentAfter % (fills.length + 1), broker.length - 2);
          const stream: ExecutionReport[] = [];
          broker.forEach((report, i) => {
            if (i === cancelIndex) stream.push({ kind: 'cancel-requested' });
            stream.push(report);
            redeliverAt.forEach((at, j) => {
              if (at % broker.length === i)
                stream.push(broker[(redeliveries[j] ?? 0) % (i + 1)] as ExecutionReport);
            });
          });
          let s = newOrderState(new Dec(quantity));
          for (const report of stream) {
            const result = applyExecutionReport(s, report);
            // The only refusal allowed: asking to cancel an order that already filled.
            if (!result.ok) expect([report.kind, s.status]).toEqual(['cancel-requested', 'Filled']);
            s = result.state;
          }
          const filled = quantity - leaves;
          expect(s.status).toBe(leaves === 0 ? 'Filled' : 'Canceled');
          expect(s.cumQty).toBe(String(filled));
          expect(s.leavesQty).toBe('0');
          expect(new Dec(s.cumNotional).eq(filledNotional)).toBe(true);
          // Delivering the whole story again changes nothing.
          let replayed = s;
          for (const report of broker) replayed = applyExecutionReport(replayed, report).state;
          expect(replayed).toEqual(s);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
