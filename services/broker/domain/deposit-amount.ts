import { dec } from '../../platform/decimal.js';
import { currencyScale } from './fees.js';

export type AmountCheck =
  | { readonly ok: true; readonly amount: string }
  | { readonly ok: false; readonly code: 'ALP_ACCOUNTS_INVALID_AMOUNT'; readonly reason: string };

/** Largest single deposit: keeps paper balances far inside numeric(38,18). */
export const MAX_DEPOSIT = '1000000000000';

/** A deposit is a decimal string (never a JSON number), positive, in whole units of the currency. */
export function checkDepositAmount(raw: unknown, currency: string): AmountCheck {
  const scale = currencyScale(currency);
  if (typeof raw !== 'string') return invalid('amount must be a decimal string, e.g. "1000.00"');
  if (!new RegExp(`^(0|[1-9][0-9]{0,15})(\\.[0-9]{1,${scale}})?$`).test(raw)) {
    return invalid(`amount must be plain digits with at most ${scale} decimals`);
  }
  const amount = dec(raw);
  if (!amount.gt(0)) return invalid('amount must be positive');
  if (amount.gt(MAX_DEPOSIT)) return invalid(`amount must be at most ${MAX_DEPOSIT}`);
  return { ok: true, amount: amount.toFixed() };
}

function invalid(reason: string): AmountCheck {
  return { ok: false, code: 'ALP_ACCOUNTS_INVALID_AMOUNT', reason };
}
