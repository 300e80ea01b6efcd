import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { checkOrder } from './risk-check.js';
import { emptyExposure, reserveOrder, applyFillToExposure, releaseOrder } from './exposure.js';
import { DEFAULT_RISK_LIMITS, type RiskLimits } from './limits.js';
import { EMPTY_RATE_WINDOW, countOrder } from './order-rate.js';
import type { RiskContext, RiskOrder } from './rules.js';
import { Dec } from '../../platform/decimal.js';

const now = Date.parse('2026-03-02T10:00:30.000Z');
const limits: RiskLimits = {
  maxOrderNotional: '10000',
  maxPositionQty: '100',
  maxDailyLoss: '500',
  maxOrdersPerMinute: 3,
  restrictedSymbols: ['GME'],
};
const context = (overrides: Partial<RiskContext> = {}): RiskContext => ({
  limits,
  killSwitch: { active: false, reason: null },
  exposure: emptyExposure('AAPL'),
  daily: undefined,
  rate: EMPTY_RATE_WINDOW,
  nowMs: now,
  ...overrides,
});
const order: RiskOrder = { symbol: 'AAPL', side: 'buy', quantity: '10', price: '100' };

describe('pre-trade risk check', () => {
  test('an order within every limit is approved', () => {
    expect(checkOrder(order, context())).toEqual({ approved: true });
  });

  test('the kill switch refuses everything and says why', () => {
    expect(
      checkOrder(order, context({ killSwitch: { active: true, reason: 'incident 42' } })),
    ).toEqual({
      approved: false,
      rule: 'kill-switch',
      code: 'ALP_RISK_KILL_SWITCH_ACTIVE',
      reason: 'trading is halted: incident 42',
    });
  });

  test('a restricted symbol is refused', () => {
    expect(checkOrder({ ...order, symbol: 'GME' }, context())).toEqual({
      approved: false,
      rule: 'restricted-symbol',
      code: 'ALP_RISK_SYMBOL_RESTRICTED',
      reason: 'GME is restricted',
    });
  });

  test('order notional: equal to the limit passes, one cent over is refused', () => {
    expect(
      checkOrder(
        { ...order, quantity: '100', price: '100' },
        context({ limits: { ...limits, maxPositionQty: '1000' } }),
      ),
    ).toEqual({
      approved: true,
    });
    expect(checkOrder({ ...order, quantity: '1', price: '10000.01' }, context())).toEqual({
      approved: false,
      rule: 'max-order-notional',
      code: 'ALP_RISK_ORDER_NOTIONAL_EXCEEDED',
      reason: 'order notional 10000.01 exceeds 10000',
    });
  });

  test('notional is exact: 0.1 × 3 does not exceed 0.3', () => {
    expect(
      checkOrder(
        { ...order, quantity: '3', price: '0.1' },
        context({ limits: { ...limits, maxOrderNotional: '0.3' } }),
      ),
    ).toEqual({ approved: true });
  });

  test('the position limit counts open orders on the same side', () => {
    const exposure = { ...emptyExposure('AAPL'), position: '60', openBuyQty: '35' };
    expect(checkOrder({ ...order, quantity: '5' }, context({ exposure }))).toEqual({
      approved: true,
    });
    expect(checkOrder({ ...order, quantity: '6', price: '1' }, context({ exposure }))).toEqual({
      approved: false,
      rule: 'max-position',
      code: 'ALP_RISK_POSITION_LIMIT_EXCEEDED',
      reason: 'position in AAPL could reach 101; the limit is 100',
    });
    // Selling reduces the long: allowed until the short side would pass the limit.
    expect(
      checkOrder({ ...order, side: 'sell', quantity: '160', price: '1' }, context({ exposure })),
    ).toEqual({
      approved: true,
    });
    expect(
      checkOrder({ ...order, side: 'sell', quantity: '161', price: '1' }, context({ exposure })),
    ).toMatchObject({
      rule: 'max-position',
      reason: 'position in AAPL could reach -101; the limit is 100',
    });
  });

  test("the daily loss limit refuses once today's realised loss reaches it", () => {
    const day = '2026-03-02';
    expect(checkOrder(order, context({ daily: { day, realizedPnl: '-499.99' } }))).toEqual({
      approved: true,
    });
    expect(checkOrder(order, context({ daily: { day, realizedPnl: '-500' } }))).toEqual({
      approved: false,
      rule: 'daily-loss',
      code: 'ALP_RISK_DAILY_LOSS_REACHED',
      reason: 'realised loss today 500 has reached the limit 500',
    });
    // Yesterday's loss does not count today.
    expect(
      checkOrder(order, context({ daily: { day: '2026-03-01', realizedPnl: '-9000' } })),
    ).toEqual({ approved: true });
  });

  test('the order rate counts approvals within the current minute', () => {
    let rate = EMPTY_RATE_WINDOW;
    for (let i = 0; i < 3; i += 1) {
      expect(checkOrder(order, context({ rate }))).toEqual({ approved: true });
      rate = countOrder(rate, now + i);
    }
    expect(checkOrder(order, context({ rate }))).toEqual({
      approved: false,
      rule: 'order-rate',
      code: 'ALP_RISK_ORDER_RATE_EXCEEDED',
      reason: '3 orders this minute; the limit is 3',
    });
    expect(
      checkOrder(order, context({ rate, nowMs: Date.parse('2026-03-02T10:01:00.000Z') })),
    ).toEqual({ approved: true });
  });

  test('the first failing rule in the fixed order is named', () => {
    const everythingWrong = context({
      killSwitch: { active: true, reason: null },
      daily: { day: '2026-03-02', realizedPnl: '-1000' },
    });
    expect(
      checkOrder({ symbol: 'GME', side: 'buy', quantity: '1000', price: '1000' }, everythingWrong),
    ).toMatchObject({
      rule: 'kill-switch',
      reason: 'trading is halted: kill switch engaged',
    });
  });

  test('orders checked one at a time (under the row lock) never jointly exceed the position limit', () => {
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('order' as const),
        side: fc.constantFrom('buy' as const, 'sell' as const),
        qty: fc.integer({ min: 1, max: 60 }),
      }),
      fc.record({
        kind: fc.constant('fill' as const),
        side: fc.constantFrom('buy' as const, 'sell' as const),
        qty: fc.integer({ min: 1, max: 60 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        let exposure = emptyExposure('AAPL');
        const unlimited = { ...DEFAULT_RISK_LIMITS, maxPositionQty: '100' };
        for (const s of steps) {
          if (s.kind === 'order') {
            const decision = checkOrder(
              { symbol: 'AAPL', side: s.side, quantity: String(s.qty), price: '1' },
              context({ limits: unlimited, exposure }),
            );
            if (decision.approved) exposure = reserveOrder(exposure, s.side, String(s.qty));
          } else {
            // Only what is open can fill; the rest of an order may be released.
            const open = new Dec(s.side === 'buy' ? exposure.openBuyQty : exposure.openSellQty);
            const qty = Dec.min(open, s.qty);
            if (qty.gt(0)) {
              exposure = applyFillToExposure(exposure, {
                side: s.side,
                quantity: qty.toFixed(),
                price: '1',
              }).exposure;
              exposure = releaseOrder(exposure, s.side, '1');
            }
          }
          const position = new Dec(exposure.position);
          expect(position.plus(exposure.openBuyQty).lte(100)).toBe(true);
          expect(position.minus(exposure.openSellQty).gte(-100)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
