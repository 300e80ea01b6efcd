import { Dec } from '../../platform/decimal.js';
import type { Instrument } from './instruments.js';
import { hashString, mix32, randomInt } from './prng.js';

/**
 * A deterministic simulated market. Prices live in integer ticks and are a pure function
 * of (seed, symbol, step): a sum of value-noise octaves whose periods double and whose
 * amplitudes grow like a random walk's (×√2 per octave). Any step is computed on its own
 * in O(octaves), so replicas agree, memory stays flat, and the price stays within a band
 * around the reference price. Money never passes through a float: ticks are integers and
 * the decimal price is ticks × tickSize in decimal arithmetic.
 */
export interface SimulatedMarket {
  readonly seed: number;
  readonly models: ReadonlyMap<string, InstrumentModel>;
}

interface InstrumentModel {
  readonly instrument: Instrument;
  readonly referenceTicks: number;
  readonly amplitudes: readonly number[];
  readonly streams: readonly number[];
  readonly floorTicks: number;
  readonly sideStreams: { readonly bid: number; readonly ask: number; readonly volume: number };
}

export interface Quote {
  readonly symbol: string;
  readonly step: number;
  readonly time: string;
  readonly bid: string;
  readonly ask: string;
  /** The mid price, used as the last trade price of the simulation. */
  readonly last: string;
  readonly bidSize: string;
  readonly askSize: string;
  readonly currency: string;
}

export const OCTAVES = 16;

export function createMarket(
  seed: string | number,
  instruments: readonly Instrument[],
): SimulatedMarket {
  const seedNumber = typeof seed === 'number' ? seed >>> 0 : hashString(seed);
  const models = new Map<string, InstrumentModel>();
  for (const instrument of instruments) {
    const referenceTicks = new Dec(instrument.referencePrice).div(instrument.tickSize).toNumber();
    if (!Number.isSafeInteger(referenceTicks) || referenceTicks < 1) {
      throw new RangeError(
        `${instrument.symbol}: referencePrice must be a positive multiple of tickSize`,
      );
    }
    const baseStep = Math.trunc((referenceTicks * instrument.volatilityBps) / 10_000);
    const stream = hashString(instrument.symbol);
    models.set(instrument.symbol, {
      instrument,
      referenceTicks,
      // √2 per octave without floats: 2^(o/2) exactly for even o, ×1.414 for odd o.
      amplitudes: Array.from({ length: OCTAVES }, (_, o) =>
        Math.trunc((baseStep * 2 ** Math.floor(o / 2) * (o % 2 === 1 ? 1414 : 1000)) / 1000),
      ),
      streams: Array.from({ length: OCTAVES }, (_, o) => mix32(stream + o + 1)),
      floorTicks: Math.max(
        2 * halfSpreadTicks(instrument, referenceTicks) + 1,
        Math.trunc(referenceTicks / 10),
      ),
      sideStreams: {
        bid: mix32(stream ^ 0xb1d),
        ask: mix32(stream ^ 0xa5c),
        volume: mix32(stream ^ 0x70e),
      },
    });
  }
  return { seed: seedNumber, models };
}

export function modelOf(market: SimulatedMarket, symbol: string): InstrumentModel {
  const model = market.models.get(symbol);
  if (model === undefined) throw new RangeError(`unknown symbol ${symbol}`);
  return model;
}

/** The mid price at a step, in ticks. */
export function midTicks(market: SimulatedMarket, symbol: string, step: number): number {
  assertStep(step);
  const model = modelOf(market, symbol);
  let ticks = model.referenceTicks;
  for (let o = 0; o < OCTAVES; o += 1) {
    const amplitude = model.amplitudes[o] ?? 0;
    if (amplitude === 0) continue;
    const period = 2 ** o;
    const knot = Math.floor(step / period);
    const offset = step - knot * period;
    const stream = model.streams[o] ?? 0;
    const v0 = randomInt(market.seed, stream, knot, -amplitude, amplitude);
    const v1 = randomInt(market.seed, stream, knot + 1, -amplitude, amplitude);
    ticks += v0 + Math.trunc(((v1 - v0) * offset) / period);
  }
  return Math.max(ticks, model.floorTicks);
}

export function quoteAt(
  market: SimulatedMarket,
  symbol: string,
  step: number,
  timeMs: number,
): Quote {
  const model = modelOf(market, symbol);
  const { instrument } = model;
  const mid = midTicks(market, symbol, step);
  const half = halfSpreadTicks(instrument, mid);
  const lots = (stream: number) =>
    randomInt(market.seed, stream, step, 1, instrument.maxDisplayedLots);
  return {
    symbol,
    step,
    time: new Date(timeMs).toISOString(),
    bid: ticksToPrice(instrument, mid - half),
    ask: ticksToPrice(instrument, mid + half),
    last: ticksToPrice(instrument, mid),
    bidSize: lotsToQuantity(instrument, lots(model.sideStreams.bid)),
    askSize: lotsToQuantity(instrument, lots(model.sideStreams.ask)),
    currency: instrument.currency,
  };
}

/** Simulated traded volume during a step, in lots (for candles). */
export function stepVolumeLots(market: SimulatedMarket, symbol: string, step: number): number {
  const model = modelOf(market, symbol);
  return randomInt(
    market.seed,
    model.sideStreams.volume,
    step,
    0,
    model.instrument.maxDisplayedLots,
  );
}

/** Ticks as a price string with the tick's number of decimals ("190.10"). */
export function ticksToPrice(instrument: Instrument, ticks: number): string {
  const tick = new Dec(instrument.tickSize);
  return tick.times(ticks).toFixed(tick.decimalPlaces());
}

export function lotsToQuantity(instrument: Instrument, lots: number): string {
  const lot = new Dec(instrument.lotSize);
  return lot.times(lots).toFixed(lot.decimalPlaces());
}

function halfSpreadTicks(instrument: Instrument, mid: number): number {
  return Math.max(1, Math.trunc((mid * instrument.spreadBps) / 20_000));
}

function assertStep(step: number): void {
  if (!Number.isSafeInteger(step) || step < 0)
    throw new RangeError(`step must be a non-negative integer, got ${step}`);
}
