import { DEFAULT_RISK_LIMITS, type RiskLimits } from './domain/limits.js';
import type { Config } from './config.js';

/** The limits a user gets on first use: the config's values over the domain defaults. */
export function defaultLimitsFrom(config: Config): RiskLimits {
  return {
    maxOrderNotional: config.RISK_DEFAULT_MAX_NOTIONAL ?? DEFAULT_RISK_LIMITS.maxOrderNotional,
    maxPositionQty: config.RISK_DEFAULT_MAX_POSITION ?? DEFAULT_RISK_LIMITS.maxPositionQty,
    maxDailyLoss: config.RISK_DEFAULT_DAILY_LOSS ?? DEFAULT_RISK_LIMITS.maxDailyLoss,
    maxOrdersPerMinute: config.RISK_DEFAULT_ORDER_RATE ?? DEFAULT_RISK_LIMITS.maxOrdersPerMinute,
    restrictedSymbols: DEFAULT_RISK_LIMITS.restrictedSymbols,
  };
}
