-- broker: paper accounts, a double-entry ledger, orders by client order id, fills,
-- outbox and inbox. Ledger amounts are plain numeric: a fill's notional is an exact
-- product whose scale can exceed 18 digits.

CREATE TABLE accounts (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     text NOT NULL UNIQUE CHECK (length(user_id) BETWEEN 1 AND 200),
  currency    text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3,5}$'),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- A journal groups the lines of one business event; its id makes posting idempotent:
-- the exec id for a fill, 'deposit/<account>/<deposit id>' for a deposit.
CREATE TABLE ledger_journals (
  id          text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 700),
  kind        text NOT NULL CHECK (kind IN ('deposit', 'fill')),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Accounts: 'user:<account id>' (cash in a currency, holdings in a symbol), 'market',
-- 'fees', 'external'. Asset accounts increase with debits.
CREATE TABLE ledger_entries (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  journal_id  text NOT NULL REFERENCES ledger_journals (id),
  account     text NOT NULL CHECK (length(account) BETWEEN 1 AND 250),
  asset       text NOT NULL CHECK (length(asset) BETWEEN 1 AND 20),
  debit       numeric NOT NULL DEFAULT 0 CHECK (debit >= 0),
  credit      numeric NOT NULL DEFAULT 0 CHECK (credit >= 0),
  CONSTRAINT ledger_entries_one_side CHECK ((debit > 0) <> (credit > 0))
);
CREATE INDEX ledger_entries_account ON ledger_entries (account, asset);
CREATE INDEX ledger_entries_journal ON ledger_entries (journal_id);

-- Every journal balances per asset, checked at commit (after all its lines are in).
CREATE FUNCTION ledger_journal_must_balance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bad_asset text;
BEGIN
  SELECT asset INTO bad_asset FROM ledger_entries
   WHERE journal_id = NEW.journal_id
   GROUP BY asset HAVING sum(debit) <> sum(credit) LIMIT 1;
  IF bad_asset IS NOT NULL THEN
    RAISE EXCEPTION 'ledger journal % does not balance in %', NEW.journal_id, bad_asset
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_journal_must_balance();

CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_journals_append_only BEFORE UPDATE OR DELETE ON ledger_journals
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

-- The reconciliation query: Σdebits = Σcredits per asset.
CREATE VIEW ledger_reconciliation AS
  SELECT asset, sum(debit) AS debits, sum(credit) AS credits, sum(debit) = sum(credit) AS balanced
    FROM ledger_entries GROUP BY asset;

CREATE VIEW account_balances AS
  SELECT account, asset, sum(debit) - sum(credit) AS balance
    FROM ledger_entries GROUP BY account, asset;

CREATE TABLE broker_orders (
  account_id            uuid NOT NULL REFERENCES accounts (id),
  -- Trading's idempotency key: a repeated client order id is recognised, never refilled.
  client_order_id       text NOT NULL CHECK (length(client_order_id) BETWEEN 1 AND 255),
  symbol                text NOT NULL,
  side                  text NOT NULL CHECK (side IN ('buy', 'sell')),
  type                  text NOT NULL CHECK (type IN ('market', 'limit')),
  quantity              numeric(38,18) NOT NULL CHECK (quantity > 0),
  limit_price           numeric(38,18) CHECK (limit_price > 0),
  status                text NOT NULL CHECK (status IN ('working', 'filled', 'canceled')),
  filled_qty            numeric(38,18) NOT NULL DEFAULT 0 CHECK (filled_qty >= 0),
  matched_through_step  bigint NOT NULL CHECK (matched_through_step >= -1),
  fill_count            integer NOT NULL DEFAULT 0 CHECK (fill_count >= 0),
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, client_order_id),
  CONSTRAINT broker_orders_limit_price_iff_limit CHECK ((type = 'limit') = (limit_price IS NOT NULL)),
  CONSTRAINT broker_orders_no_overfill CHECK (filled_qty <= quantity),
  CONSTRAINT broker_orders_filled_iff_complete CHECK ((status = 'filled') = (filled_qty = quantity))
);
CREATE INDEX broker_orders_working ON broker_orders (symbol, account_id) WHERE status = 'working';

CREATE TABLE fills (
  -- '<account id>/<client order id>/<n>': deterministic, so a re-sent fill has the same id.
  exec_id          text PRIMARY KEY,
  account_id       uuid NOT NULL,
  client_order_id  text NOT NULL,
  symbol           text NOT NULL,
  side             text NOT NULL CHECK (side IN ('buy', 'sell')),
  quantity         numeric(38,18) NOT NULL CHECK (quantity > 0),
  price            numeric(38,18) NOT NULL CHECK (price > 0),
  fee              numeric(38,18) NOT NULL CHECK (fee >= 0),
  currency         text NOT NULL,
  step             bigint NOT NULL CHECK (step >= 0),
  created_at       timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, client_order_id) REFERENCES broker_orders (account_id, client_order_id)
);
CREATE INDEX fills_order ON fills (account_id, client_order_id, step);

CREATE TABLE outbox (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  topic         text NOT NULL CHECK (length(topic) BETWEEN 1 AND 200),
  key           text,
  payload       jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  published_at  timestamptz,
  attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error    text
);
CREATE INDEX outbox_unpublished ON outbox (created_at) WHERE published_at IS NULL;

CREATE TABLE processed_events (
  consumer      text NOT NULL,
  event_id      uuid NOT NULL,
  processed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
