import { WallClock } from '../domain/market-clock.js';
import type { MarketSettings } from '../market-settings.js';
import type { Tx } from '../../platform/transaction.js';

/**
 * Where the current market step comes from. The test profile keeps it in Postgres (so every
 * replica sees the same hand-stepped market); the other profiles derive it from wall time
 * and the configured start, which every replica also agrees on.
 */
export interface StepSource {
  readonly manual: boolean;
  readonly stepMs: number;
  current(tx: Tx): Promise<number>;
  timeOfStep(step: number): number;
}

export function stepSourceFor(settings: MarketSettings): StepSource {
  const wall = new WallClock(settings.startMs, settings.stepMs);
  const timeOfStep = (step: number) => wall.timeOfStep(step);
  if (!settings.manualClock) {
    return {
      manual: false,
      stepMs: settings.stepMs,
      current: async () => wall.currentStep(),
      timeOfStep,
    };
  }
  return {
    manual: true,
    stepMs: settings.stepMs,
    async current(tx) {
      const { rows } = await tx.query<{ step: string }>('SELECT step::text FROM market_clock');
      return Number(rows[0]?.step ?? 0);
    },
    timeOfStep,
  };
}

/** Moves the hand-stepped clock forward (test profile); returns the new step. */
export async function advanceClock(tx: Tx, steps: number): Promise<number> {
  const { rows } = await tx.query<{ step: string }>(
    'UPDATE market_clock SET step = step + $1, updated_at = now() RETURNING step::text',
    [steps],
  );
  return Number(rows[0]?.step ?? 0);
}
