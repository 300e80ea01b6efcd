import { dec } from '../../platform/decimal.js';
import { feeFor } from './fees.js';

export type BuyingPowerCheck =
  | { readonly ok: true; readonly required: string }
  | {
      readonly ok: false;
      readonly code: 'ALP_BROKER_INSUFFICIENT_FUNDS';
      readonly reason: string;
      readonly required: string;
    };

/**
 * Whether a paper account can pay for a buy: quantity × reference price (the limit price,
 * or the ask for a market order) plus the fee, against the cash not already committed to
 * other working buys. Sells are not checked: the paper broker allows short positions.
 */
export function checkBuyingPower(input: {
  readonly availableCash: string;
  readonly quantity: string;
  readonly referencePrice: string;
  readonly feeRateCentiBps: number;
  readonly currency: string;
}): BuyingPowerCheck {
  const notional = dec(input.quantity).times(input.referencePrice);
  const required = notional.plus(feeFor(notional, input.feeRateCentiBps, input.currency));
  if (required.lte(input.availableCash)) return { ok: true, required: required.toFixed() };
  return {
    ok: false,
    code: 'ALP_BROKER_INSUFFICIENT_FUNDS',
    reason: `the order needs ${required.toFixed()} ${input.currency}; ${dec(input.availableCash).toFixed()} is available`,
    required: required.toFixed(),
  };
}
