import { Dec } from '../platform/decimal.js';
import type { Config } from './config.js';

/** The simulated market's settings with the documented defaults applied. */
export interface MarketSettings {
  readonly seed: string;
  /** Wall time of step 0 (ms since the epoch). */
  readonly startMs: number;
  readonly stepMs: number;
  /** FEE_RATE in the unit the fee schedule uses: hundredths of a basis point. */
  readonly feeRateCentiBps: number;
  /** Only the test profile steps the clock by hand. */
  readonly manualClock: boolean;
}

export const DEFAULT_MARKET_SEED = 'alphintra';
export const DEFAULT_MARKET_START = '2026-01-01T00:00:00Z';
export const DEFAULT_MARKET_STEP_MS = 1000;
export const DEFAULT_FEE_RATE = '0.001';

export function marketSettings(config: Config): MarketSettings {
  return {
    seed: config.MARKET_SEED ?? DEFAULT_MARKET_SEED,
    startMs: Date.parse(config.MARKET_START ?? DEFAULT_MARKET_START),
    stepMs: config.MARKET_STEP_MS ?? DEFAULT_MARKET_STEP_MS,
    // "0.001" × 10^6 = 1000 centi-bps; the config pattern allows at most 6 decimals, so exact.
    feeRateCentiBps: new Dec(config.FEE_RATE ?? DEFAULT_FEE_RATE).times(1_000_000).toNumber(),
    manualClock: config.ALPHINTRA_PROFILE === 'test',
  };
}
