import type { Decimal } from 'decimal.js';
import { dec, Dec } from '../../platform/decimal.js';
import type { BrokerFill } from './broker-order.js';

/**
 * Double-entry bookkeeping in several assets (cash currencies and instruments). Every
 * journal balances per asset: Σdebit = Σcredit for USD and, separately, for AAPL. Asset
 * accounts (a user's cash and holdings) increase with debits.
 *
 *   user:<accountId>  the paper account's cash (asset USD) and holdings (asset AAPL, ...)
 *   market            the simulated venue, counterparty of every fill
 *   fees              fees charged to users
 *   external          where deposits come from
 */
export interface LedgerLine {
  readonly account: string;
  readonly asset: string;
  /** Exactly one of debit and credit is positive; the other is '0'. */
  readonly debit: string;
  readonly credit: string;
}

export interface Journal {
  readonly id: string;
  readonly kind: 'deposit' | 'fill';
  readonly lines: readonly LedgerLine[];
}

export const MARKET_ACCOUNT = 'market';
export const FEES_ACCOUNT = 'fees';
export const EXTERNAL_ACCOUNT = 'external';

export function userAccount(accountId: string): string {
  return `user:${accountId}`;
}

export function depositJournal(
  id: string,
  accountId: string,
  currency: string,
  amount: string,
): Journal {
  const value = positive(amount, 'deposit');
  return {
    id,
    kind: 'deposit',
    lines: [
      debit(userAccount(accountId), currency, value),
      credit(EXTERNAL_ACCOUNT, currency, value),
    ],
  };
}

/**
 * A fill moves the instrument one way and cash the other by exactly matching amounts;
 * the fee goes from the user's cash to the fee account. The journal id is the exec id,
 * so posting the same fill twice is refused by the ledger's primary key.
 */
export function fillJournal(fill: BrokerFill): Journal {
  const quantity = positive(fill.quantity, 'fill quantity');
  const notional = quantity.times(fill.price);
  const fee = dec(fill.fee);
  const user = userAccount(fill.accountId);
  const cur = fill.currency;
  const trade =
    fill.side === 'buy'
      ? [
          debit(user, fill.symbol, quantity),
          credit(MARKET_ACCOUNT, fill.symbol, quantity),
          credit(user, cur, notional),
          debit(MARKET_ACCOUNT, cur, notional),
        ]
      : [
          credit(user, fill.symbol, quantity),
          debit(MARKET_ACCOUNT, fill.symbol, quantity),
          debit(user, cur, notional),
          credit(MARKET_ACCOUNT, cur, notional),
        ];
  const fees = fee.gt(0) ? [credit(user, cur, fee), debit(FEES_ACCOUNT, cur, fee)] : [];
  return { id: fill.execId, kind: 'fill', lines: [...trade, ...fees] };
}

/** Debits minus credits of one account in one asset (its balance, for asset accounts). */
export function balanceOf(lines: readonly LedgerLine[], account: string, asset: string): string {
  let total = new Dec(0);
  for (const l of lines) {
    if (l.account === account && l.asset === asset) total = total.plus(l.debit).minus(l.credit);
  }
  return total.toFixed();
}

export interface Reconciliation {
  readonly balanced: boolean;
  readonly assets: readonly {
    readonly asset: string;
    readonly debits: string;
    readonly credits: string;
  }[];
  /** Journals that do not balance on their own (none, when the ledger is sound). */
  readonly unbalancedJournals: readonly string[];
  /**
   * `account asset` pairs whose running balance (the store's `ledger_balances`) disagrees with
   * the sum of their lines; only the Postgres ledger keeps running balances.
   */
  readonly driftedBalances?: readonly string[];
}

/** Proves Σdebits = Σcredits per asset, for the whole ledger and for every journal. */
export function reconcile(journals: readonly Journal[]): Reconciliation {
  const totals = new Map<string, { debits: Decimal; credits: Decimal }>();
  const unbalanced: string[] = [];
  for (const journal of journals) {
    if (!journalBalances(journal)) unbalanced.push(journal.id);
    for (const l of journal.lines) {
      const t = totals.get(l.asset) ?? { debits: new Dec(0), credits: new Dec(0) };
      totals.set(l.asset, { debits: t.debits.plus(l.debit), credits: t.credits.plus(l.credit) });
    }
  }
  const assets = [...totals.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([asset, t]) => ({ asset, debits: t.debits.toFixed(), credits: t.credits.toFixed() }));
  return {
    balanced: unbalanced.length === 0 && assets.every((a) => dec(a.debits).eq(a.credits)),
    assets,
    unbalancedJournals: unbalanced,
  };
}

export function journalBalances(journal: Journal): boolean {
  const net = new Map<string, Decimal>();
  for (const l of journal.lines) {
    const okLine =
      (dec(l.debit).gt(0) && dec(l.credit).isZero()) ||
      (dec(l.credit).gt(0) && dec(l.debit).isZero());
    if (!okLine) return false;
    net.set(l.asset, (net.get(l.asset) ?? new Dec(0)).plus(l.debit).minus(l.credit));
  }
  return [...net.values()].every((v) => v.isZero());
}

function debit(account: string, asset: string, amount: Decimal): LedgerLine {
  return { account, asset, debit: amount.toFixed(), credit: '0' };
}

function credit(account: string, asset: string, amount: Decimal): LedgerLine {
  return { account, asset, debit: '0', credit: amount.toFixed() };
}

function positive(amount: string, what: string): Decimal {
  const value = dec(amount);
  if (!value.gt(0)) throw new RangeError(`${what} must be positive, got ${amount}`);
  return value;
}
