/**
 * The market's clock counts steps. Prices are a function of the step, so the clock is
 * the only thing that moves the market: the test profile steps it by hand, the other
 * profiles derive it from wall time (every replica agrees because the start is fixed
 * in config, not taken at process start).
 */
export interface MarketClock {
  /** The current step (>= 0). */
  currentStep(): number;
  /** Wall time (ms since the epoch) at which a step begins. */
  timeOfStep(step: number): number;
  readonly stepMs: number;
}

export class ManualClock implements MarketClock {
  private step = 0;

  constructor(
    private readonly startMs: number,
    readonly stepMs: number,
  ) {}

  currentStep(): number {
    return this.step;
  }

  timeOfStep(step: number): number {
    return this.startMs + step * this.stepMs;
  }

  /** Moves the market forward; never backwards (fills already reported stay true). */
  advance(steps = 1): number {
    if (!Number.isSafeInteger(steps) || steps < 0)
      throw new RangeError(`steps must be a non-negative integer, got ${steps}`);
    this.step += steps;
    return this.step;
  }
}

export class WallClock implements MarketClock {
  constructor(
    private readonly startMs: number,
    readonly stepMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  currentStep(): number {
    return Math.max(0, Math.floor((this.now() - this.startMs) / this.stepMs));
  }

  timeOfStep(step: number): number {
    return this.startMs + step * this.stepMs;
  }
}
