import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { checkDepositAmount } from '../domain/deposit-amount.js';
import { depositJournal, userAccount } from '../domain/ledger.js';
import { accountsErrors } from '../errors.js';
import { lockAccount } from '../store/accounts-store.js';
import type { BrokerContext } from '../store/broker-context.js';
import { balancesOf, postJournal, reconcileLedger } from '../store/ledger-store.js';
import { inTransaction, type Tx } from '../../platform/transaction.js';

const depositBody = Type.Object(
  {
    // A string on purpose: a JSON number is refused by the strict body validator (400).
    amount: Type.String({ minLength: 1, maxLength: 40 }),
    currency: Type.String({ pattern: '^[A-Z]{3,5}$' }),
  },
  { additionalProperties: false },
);
const depositHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._:-]{1,200}$' })),
});

async function accountView(tx: Tx, ctx: BrokerContext, userId: string) {
  const account = await lockAccount(tx, userId, false);
  const balances = await balancesOf(tx, userAccount(account.accountId));
  return {
    accountId: account.accountId,
    userId,
    currency: account.currency,
    cash: balances.get(account.currency) ?? '0',
    holdings: ctx.instruments
      .filter((i) => balances.has(i.symbol))
      .map((i) => ({ symbol: i.symbol, quantity: balances.get(i.symbol) as string })),
  };
}

/**
 * Paper accounts: `GET /api/v1/accounts/me` (cash and holdings from the ledger),
 * `POST /api/v1/accounts/me/deposits` (decimal-string amount; an Idempotency-Key makes a
 * retry a no-op), and `GET /api/v1/accounts/reconciliation` (admin) proving Σdebits = Σcredits.
 */
export const accountRoutes: FastifyPluginAsync<{ ctx: BrokerContext }> = async (app, { ctx }) => {
  app.get('/api/v1/accounts/me', { preValidation: app.authenticate }, async (request) =>
    inTransaction(app.pg, (tx) => accountView(tx, ctx, request.user!.id)),
  );

  app.post<{ Body: Static<typeof depositBody>; Headers: Static<typeof depositHeaders> }>(
    '/api/v1/accounts/me/deposits',
    { schema: { body: depositBody, headers: depositHeaders }, preValidation: app.authenticate },
    async (request, reply) => {
      const { amount, currency } = request.body;
      if (currency !== ctx.cashCurrency) {
        throw new accountsErrors.ALP_ACCOUNTS_CURRENCY_UNSUPPORTED(
          `paper accounts hold ${ctx.cashCurrency}, not ${currency}`,
        );
      }
      const checked = checkDepositAmount(amount, currency);
      if (!checked.ok) throw new accountsErrors.ALP_ACCOUNTS_INVALID_AMOUNT(checked.reason);
      const depositId = request.headers['idempotency-key'] ?? randomUUID();
      const result = await inTransaction(app.pg, async (tx) => {
        const account = await lockAccount(tx, request.user!.id);
        const posted = await postJournal(
          tx,
          depositJournal(
            `deposit/${account.accountId}/${depositId}`,
            account.accountId,
            currency,
            checked.amount,
          ),
        );
        return { posted, view: await accountView(tx, ctx, request.user!.id) };
      });
      reply.code(result.posted ? 201 : 200);
      return {
        depositId,
        amount: checked.amount,
        currency,
        replayed: !result.posted,
        account: result.view,
      };
    },
  );

  app.get(
    '/api/v1/accounts/reconciliation',
    { preValidation: [app.authenticate, app.requireRole('admin')] },
    async () => reconcileLedger(app.pg),
  );
};
