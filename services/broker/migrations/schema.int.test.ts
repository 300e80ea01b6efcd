import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  columnsWithoutStatistics,
  indexesOf,
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
    const migrations = await loadMigrations(migrationsDir('broker'));
    // Up to 002 first, with a line already in, so 003 has running balances to backfill.
    const before003 = migrations.filter((m) => m.version < '003');
    expect((await migrate(pool, before003)).applied).toEqual(['001_init', '002_market_clock']);
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO accounts (user_id) VALUES ('u1') RETURNING id`,
    );
    accountId = rows[0]?.id ?? '';
    await post(depositJournal(`deposit/${accountId}/d0`, accountId, 'USD', '0.05'));
    expect((await migrate(pool, migrations)).applied).toEqual([
      '003_ledger_statement_trigger',
      '004_drop_ledger_journal_index',
      '005_payload_statistics',
      '006_drop_ledger_account_index',
    ]);
  });

  async function runningBalances(): Promise<Record<string, string>> {
    const { rows } = await pool.query<{ account: string; asset: string; balance: string }>(
      'SELECT account, asset, trim_scale(balance)::text AS balance FROM ledger_balances',
    );
    return Object.fromEntries(rows.map((r) => [`${r.account} ${r.asset}`, r.balance]));
  }

  async function drift(): Promise<unknown[]> {
    return (await pool.query('SELECT * FROM ledger_balance_drift')).rows;
  }
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  /** Posts a journal the way the store does: its row and all its lines in one statement. */
  async function post(journal: Journal, db: pg.Pool | pg.PoolClient = pool): Promise<void> {
    await db.query(
      `WITH j AS (INSERT INTO ledger_journals (id, kind) VALUES ($1, $2) RETURNING id)
       INSERT INTO ledger_entries (journal_id, account, asset, debit, credit)
       SELECT j.id, l.account, l.asset, l.debit, l.credit
         FROM j, jsonb_to_recordset($3::jsonb) AS l(account text, asset text, debit numeric, credit numeric)`,
      [journal.id, journal.kind, JSON.stringify(journal.lines)],
    );
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

  test('ledger lines carry only the indexes a query reads (004, 006)', async () => {
    // Balances come from ledger_balances and the reconciliation reads the whole table; no
    // query finds lines by journal or by account, so each line pays for its key only.
    expect(await indexesOf(pool, ['ledger_entries'])).toEqual({
      ledger_entries: ['ledger_entries_pkey'],
    });
  });

  test('ANALYZE skips the event bodies no query filters on (005)', async () => {
    expect(await columnsWithoutStatistics(pool, ['outbox'])).toEqual({
      outbox: ['last_error', 'payload'],
    });
  });

  test('migration 003 backfills the running balance of existing lines', async () => {
    expect(await runningBalances()).toEqual({ [`${userAccount(accountId)} USD`]: '0.05' });
  });

  test('journals from the domain post, balance, and agree with the domain balances', async () => {
    const journals = [
      depositJournal(`deposit/${accountId}/d0`, accountId, 'USD', '0.05'),
      depositJournal(`deposit/${accountId}/d1`, accountId, 'USD', '100000.10'),
      fillJournal(fill(1, 'buy', '0.12345', '65000.01', '0.81')),
      fillJournal(fill(2, 'sell', '0.00005', '65100.99', '0.01')),
    ];
    for (const j of journals.slice(1)) await post(j);
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
    expect(balanceOf(lines, userAccount(accountId), 'USD')).toBe('91978.333815');
    // The running balances (one row per user account and asset) follow every line exactly.
    expect(await runningBalances()).toEqual({
      [`${userAccount(accountId)} USD`]: '91978.333815',
      [`${userAccount(accountId)} BTC-USD`]: '0.1234',
    });
    expect(await drift()).toEqual([]);
  });

  test('running balances: a journal posted in one statement rolls them once; a rollback undoes it', async () => {
    const before = await runningBalances();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `WITH j AS (INSERT INTO ledger_journals (id, kind) VALUES ('one-statement', 'deposit') RETURNING id)
         INSERT INTO ledger_entries (journal_id, account, asset, debit, credit)
         SELECT j.id, l.account, 'USD', l.debit, l.credit FROM j,
           (VALUES ($1, 3, 0), ($1, 4, 0), ('external', 0, 7)) AS l(account, debit, credit)`,
        [userAccount(accountId)],
      );
      const inside = await client.query<{ balance: string }>(
        `SELECT trim_scale(balance)::text AS balance FROM ledger_balances WHERE account = $1 AND asset = 'USD'`,
        [userAccount(accountId)],
      );
      expect(inside.rows[0]?.balance).toBe('91985.333815');
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    expect(await runningBalances()).toEqual(before);
    expect(await drift()).toEqual([]);
  });

  test('the drift view reports a running balance that disagrees with the lines', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `UPDATE ledger_balances SET balance = balance + 1 WHERE account = $1 AND asset = 'USD'`,
        [userAccount(accountId)],
      );
      const { rows } = await client.query('SELECT account, asset FROM ledger_balance_drift');
      expect(rows).toEqual([{ account: userAccount(accountId), asset: 'USD' }]);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });

  test('an unbalanced journal is refused, and nothing of it is kept', async () => {
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

  test('a journal must balance within the statement that posts it (not only at commit)', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO ledger_journals (id, kind) VALUES ('split', 'deposit')`);
      await expect(
        client.query(
          `INSERT INTO ledger_entries (journal_id, account, asset, debit, credit)
           VALUES ('split', $1, 'USD', 2, 0)`,
          [userAccount(accountId)],
        ),
      ).rejects.toMatchObject({
        code: '23514',
        message: 'ledger journal split does not balance in USD',
      });
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
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
