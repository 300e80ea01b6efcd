import { Type } from '@sinclair/typebox';
import { Decimal } from 'decimal.js';

/** Fractional digits a decimal parameter may carry (amounts in quote currency, fractions). */
export const DECIMAL_SCALE = 8;

/**
 * A decimal on the wire: a JSON string of plain digits (no sign, exponent or float), so
 * that "0.1" is exactly one tenth. Range checks happen in each type's `refine`, with
 * decimal.js, because JSON Schema can only compare numbers.
 */
export function DecimalString(description: string) {
  return Type.String({
    pattern: `^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,${DECIMAL_SCALE}})?$`,
    description,
    examples: ['0.02'],
    errorMessage: `Expected a decimal string such as "12.5" (plain digits, at most ${DECIMAL_SCALE} fractional digits)`,
  });
}

/** Canonical spelling of a decimal string: "0.020" -> "0.02", "10.00" -> "10". */
export function canonicalDecimal(value: string): string {
  return new Decimal(value).toFixed();
}

/** Same symbol syntax as the risk service's restricted-symbol list. */
export const MarketSymbol = Type.String({
  pattern: '^[A-Z0-9][A-Z0-9.-]{0,19}$',
  description: 'Instrument symbol, upper case (e.g. "AAPL", "BTC-USD")',
  errorMessage: 'Expected an upper-case symbol of 1-20 characters (A-Z, 0-9, ".", "-")',
});

export const TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;

/** Candle width the indicators are computed over. */
export const Timeframe = Type.Union(
  TIMEFRAMES.map((t) => Type.Literal(t)),
  { default: '1d', description: 'Candle width' },
);

/** A look-back length in candles; 500 bounds the history a backtest or signal must load. */
export function Period(description: string, minimum: number) {
  return Type.Integer({ minimum, maximum: 500, description });
}
