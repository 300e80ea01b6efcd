import type { Instrument } from '../domain/instruments.js';
import type { SimulatedMarket } from '../domain/market-simulator.js';
import type { StepSource } from './step-source.js';

/** What the broker's order and market code needs besides a connection. */
export interface BrokerContext {
  readonly market: SimulatedMarket;
  readonly instruments: readonly Instrument[];
  readonly clock: StepSource;
  readonly feeRateCentiBps: number;
  /** Every paper account holds cash in this currency. */
  readonly cashCurrency: string;
}
