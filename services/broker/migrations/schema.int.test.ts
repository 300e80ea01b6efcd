import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  type TestDatabase,
} from '../../../test/support/database.js';
import { loadMigrations, migrate, migrationsDir } from '../../platform/index.js';
import type { BrokerFill } from '../domain/broker-order.js';
import { Dec } from '../../platform/decimal.js';
import {
  balanceOf,
  depositJournal,
  fillJournal,
  reconcile,
  userAccount,
  type Journal,
} from '../domain/ledger.js';

describe.skipIf(!ADMIN_DATABASE_URL)('broker schema (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let accountId = '';

  beforeAll(async () => {
    db = await createTestDatabase('broker');
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    expect((await migrate(pool, await loadMigrations(migrationsDir('broker')))).applied).toEqual([
      '001_init',
      '002_market_clock',
    ]);
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO accounts (user_id) VALUES ('u1') RETURNING id`,
    );
    accountId = rows[0]?.id ?? '';
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  async function post(journal: Journal): Promise<void> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO ledger_journals (id, kind) VALUES ($1, $2)', [
        journal.id,
        journal.kind,
      ]);
      for (const l of journal.lines) {
        await client.query(
          'INSERT INTO ledger_entries (journal_id, account, asset, debit, credit) VALUES ($1, $2, $3, $4, $5)',
          [journal.id, l.account, l.asset, l.debit, l.credit],
        );
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  }

  const fill = (
    n: number,
    side: 'buy' | 'sell',
    quantity: string,
    price: string,
    fee: string,
  ): BrokerFill => ({
    execId: `${accountId}/k${n}/1`,
    accountId,
    clientOrderId: `k${n}`,
    symbol: 'BTC-USD',
    side,
    quantity,
    price,
    fee,
    currency: 'USD',
    step: n,
  });

  test('journals from the domain post, balance, and agree with the domain balances', async () => {
    const journals = [
      depositJournal(`deposit/${accountId}/d1`, accountId, 'USD', '100000.10'),
      fillJournal(fill(1, 'buy', '0.12345', '65000.01', '0.81')),
      fillJournal(fill(2, 'sell', '0.00005', '65100.99', '0.01')),
    ];
    for (const j of journals) await post(j);
    const recon = await pool.query(
      'SELECT asset, debits::text, credits::text, balanced FROM ledger_reconciliation ORDER BY asset',
    );
    // numeric::text keeps the column's scale ("0.12350"); compare canonical forms.
    const canonical = (rows: { asset: string; debits: string; credits: string }[]) =>
      rows.map((r) => ({
        ...r,
        debits: new Dec(r.debits).toFixed(),
        credits: new Dec(r.credits).toFixed(),
      }));
    expect(canonical(recon.rows)).toEqual(
      reconcile(journals).assets.map((a) => ({
        asset: a.asset,
        debits: a.debits,
        credits: a.credits,
        balanced: true,
      })),
    );
    const lines = journals.flatMap((j) => j.lines);
    const cash = await pool.query<{ balance: string }>(
      `SELECT balance::text FROM account_balances WHERE account = $1 AND asset = 'USD'`,
      [userAccount(accountId)],
    );
    // 100000.10 - 0.12345 × 65000.01 - 0.81 + 0.00005 × 65100.99 - 0.01, exactly.
    expect(new Dec(cash.rows[0]?.balance ?? 'NaN').toFixed()).toBe(
      balanceOf(lines, userAccount(accountId), 'USD'),
    );
    expect(balanceOf(lines, userAccount(accountId), 'USD')).toBe('91978.283815');
  });

  test('an unbalanced journal is refused at commit', async () => {
    const broken: Journal = {
      id: 'broken',
      kind: 'deposit',
      lines: [
        { account: userAccount(accountId), asset: 'USD', debit: '10', credit: '0' },
        { account: 'external', asset: 'USD', debit: '0', credit: '9.99' },
      ],
    };
    await expect(post(broken)).rejects.toMatchObject({
      code: '23514',
      message: 'ledger journal broken does not balance in USD',
    });
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM ledger_journals WHERE id = 'broken'`,
    );
    expect(rows[0]).toEqual({ n: 0 });
  });

  test('a journal balanced in total but not per asset is refused', async () => {
    const mixed: Journal = {
      id: 'mixed',
      kind: 'fill',
      lines: [
        { account: userAccount(accountId), asset: 'USD', debit: '1', credit: '0' },
        { account: 'market', asset: 'AAPL', debit: '0', credit: '1' },
      ],
    };
    await expect(post(mixed)).rejects.toMatchObject({ code: '23514' });
  });

  test('a journal posts once; entries are append-only; a line has exactly one side', async () => {
    const j = depositJournal(`deposit/${accountId}/d2`, accountId, 'USD', '5');
    await post(j);
    await expect(post(j)).rejects.toMatchObject({
      code: '23505',
      constraint: 'ledger_journals_pkey',
    });
    await expect(pool.query(`UPDATE ledger_entries SET debit = 0`)).rejects.toMatchObject({
      code: '23001',
      message: 'ledger_entries is append-only (UPDATE refused)',
    });
    await expect(pool.query(`DELETE FROM ledger_journals`)).rejects.toMatchObject({
      code: '23001',
    });
    await expect(
      pool.query(
        `INSERT INTO ledger_entries (journal_id, account, asset, debit, credit) VALUES ($1, 'x', 'USD', 1, 1)`,
        [j.id],
      ),
    ).rejects.toMatchObject({ code: '23514', constraint: 'ledger_entries_one_side' });
  });

  test('a client order id is unique per account; an exec id is recorded once', async () => {
    const other = (
      await pool.query<{ id: string }>(`INSERT INTO accounts (user_id) VALUES ('u2') RETURNING id`)
    ).rows[0]?.id;
    const insert = (account: string | undefined) =>
      pool.query(
        `INSERT INTO broker_orders (account_id, client_order_id, symbol, side, type, quantity, status, matched_through_step)
         VALUES ($1, 'key-1', 'AAPL', 'buy', 'market', '10', 'working', -1)`,
        [account],
      );
    await insert(accountId);
    await expect(insert(accountId)).rejects.toMatchObject({
      code: '23505',
      constraint: 'broker_orders_pkey',
    });
    await insert(other);
    const fillRow = () =>
      pool.query(
        `INSERT INTO fills (exec_id, account_id, client_order_id, symbol, side, quantity, price, fee, currency, step)
         VALUES ($1, $2, 'key-1', 'AAPL', 'buy', '4', '190.01', '0.08', 'USD', 0)`,
        [`${accountId}/key-1/1`, accountId],
      );
    await fillRow();
    await expect(fillRow()).rejects.toMatchObject({ code: '23505', constraint: 'fills_pkey' });
    await expect(
      pool.query(
        `UPDATE broker_orders SET filled_qty = 11, status = 'filled' WHERE account_id = $1`,
        [accountId],
      ),
    ).rejects.toMatchObject({
      code: '23514',
    });
    await expect(
      pool.query(`UPDATE broker_orders SET status = 'filled' WHERE account_id = $1`, [accountId]),
    ).rejects.toMatchObject({
      code: '23514',
      constraint: 'broker_orders_filled_iff_complete',
    });
  });

  test('one paper account per user', async () => {
    await expect(pool.query(`INSERT INTO accounts (user_id) VALUES ('u1')`)).rejects.toMatchObject({
      code: '23505',
      constraint: 'accounts_user_id_key',
    });
  });
});
