import { Dec } from '../../platform/decimal.js';

export interface Instrument {
  readonly symbol: string;
  readonly name: string;
  readonly kind: 'equity' | 'crypto';
  /** Quote currency: cash moves in it and fees are charged in it. */
  readonly currency: string;
  readonly tickSize: string;
  readonly lotSize: string;
  /** Simulation: the price the market starts from and wanders around (a multiple of tickSize). */
  readonly referencePrice: string;
  /** Simulation: the typical one-step move, in basis points of the reference price. */
  readonly volatilityBps: number;
  /** Simulation: bid/ask spread in basis points of the price (at least one tick each side). */
  readonly spreadBps: number;
  /** Simulation: the most lots shown on each side of a quote; bounds each fill (partial fills). */
  readonly maxDisplayedLots: number;
}

export const DEFAULT_INSTRUMENTS: readonly Instrument[] = [
  equity('AAPL', 'Apple Inc.', '190.00'),
  equity('MSFT', 'Microsoft Corp.', '410.00'),
  equity('TSLA', 'Tesla Inc.', '240.00'),
  equity('SPY', 'SPDR S&P 500 ETF', '520.00'),
  crypto('BTC-USD', 'Bitcoin / US dollar', '65000.00', '0.00001'),
  crypto('ETH-USD', 'Ether / US dollar', '3200.00', '0.0001'),
];

function equity(symbol: string, name: string, referencePrice: string): Instrument {
  return {
    symbol,
    name,
    kind: 'equity',
    currency: 'USD',
    tickSize: '0.01',
    lotSize: '1',
    referencePrice,
    volatilityBps: 2,
    spreadBps: 2,
    maxDisplayedLots: 500,
  };
}

function crypto(symbol: string, name: string, referencePrice: string, lotSize: string): Instrument {
  return {
    symbol,
    name,
    kind: 'crypto',
    currency: 'USD',
    tickSize: '0.01',
    lotSize,
    referencePrice,
    volatilityBps: 3,
    spreadBps: 4,
    maxDisplayedLots: 200_000,
  };
}

/** Problems with a configured instrument list, all at once ([] when it is usable). */
export function instrumentProblems(list: readonly Instrument[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const i of list) {
    if (!/^[A-Z0-9][A-Z0-9.-]{0,19}$/.test(i.symbol))
      problems.push(`${i.symbol}: symbol must be upper-case`);
    if (seen.has(i.symbol)) problems.push(`${i.symbol}: listed twice`);
    seen.add(i.symbol);
    const tick = new Dec(i.tickSize);
    const lot = new Dec(i.lotSize);
    if (!tick.gt(0)) problems.push(`${i.symbol}: tickSize must be positive`);
    if (!lot.gt(0)) problems.push(`${i.symbol}: lotSize must be positive`);
    if (tick.gt(0) && !new Dec(i.referencePrice).mod(tick).isZero()) {
      problems.push(`${i.symbol}: referencePrice must be a multiple of tickSize`);
    }
    if (!Number.isSafeInteger(i.volatilityBps) || i.volatilityBps < 0)
      problems.push(`${i.symbol}: volatilityBps must be a non-negative integer`);
    if (!Number.isSafeInteger(i.spreadBps) || i.spreadBps < 0)
      problems.push(`${i.symbol}: spreadBps must be a non-negative integer`);
    if (!Number.isSafeInteger(i.maxDisplayedLots) || i.maxDisplayedLots < 1)
      problems.push(`${i.symbol}: maxDisplayedLots must be a positive integer`);
  }
  return problems;
}

export function findInstrument(
  list: readonly Instrument[],
  symbol: string,
): Instrument | undefined {
  return list.find((i) => i.symbol === symbol);
}
