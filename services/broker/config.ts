import { Type, type Static } from '@sinclair/typebox';
import { catalog } from '../catalog.js';
import { serviceConfigSchema } from '../platform/index.js';

/** The broker's own variables (catalog `env`); every one is optional, see market-settings.ts. */
const own = {
  /** Seed of the simulated market: the same seed gives the same prices (default "alphintra"). */
  MARKET_SEED: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  /**
   * ISO-8601 UTC time of market step 0, e.g. "2026-01-01T00:00:00Z" (default that). Fixed in
   * config so every replica derives the same step from the same wall time.
   */
  MARKET_START: Type.Optional(
    Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?Z$' }),
  ),
  /** Milliseconds per market step (default 1000). */
  MARKET_STEP_MS: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400_000 })),
  /**
   * Fee per fill as a fraction of the notional, a decimal string: "0.001" = 0.1 % = 10 bps
   * (default). At most 6 decimals (hundredths of a basis point), below 0.1 (10 %).
   */
  FEE_RATE: Type.Optional(Type.String({ pattern: '^0(\\.[0-9]{1,6})?$' })),
};

export const configSchema = serviceConfigSchema(catalog['broker'], own);
export type Config = Readonly<Static<typeof configSchema>>;
