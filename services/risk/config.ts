import { Type, type Static } from '@sinclair/typebox';
import { catalog } from '../catalog.js';
import { serviceConfigSchema } from '../platform/index.js';

const Amount = Type.String({ pattern: '^(0|[1-9][0-9]{0,19})(\\.[0-9]{1,18})?$' });

/**
 * The risk service's own variables (catalog `env`): the limits a user gets on first use.
 * Amounts are decimal strings in the quote currency; all optional (defaults in limits.ts).
 */
const own = {
  /** Largest quantity × price of one order (default "1000000"). */
  RISK_DEFAULT_MAX_NOTIONAL: Type.Optional(Amount),
  /** Largest absolute position per symbol, open orders included (default "100000"). */
  RISK_DEFAULT_MAX_POSITION: Type.Optional(Amount),
  /** Realised loss in a UTC day at which new orders are refused (default "50000"). */
  RISK_DEFAULT_DAILY_LOSS: Type.Optional(Amount),
  /** Orders approved per minute (default 6000). */
  RISK_DEFAULT_ORDER_RATE: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
};

export const configSchema = serviceConfigSchema(catalog['risk'], own);
export type Config = Readonly<Static<typeof configSchema>>;
