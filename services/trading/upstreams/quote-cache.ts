/** The parts of a broker quote a reference price is taken from (decimal strings). */
export interface QuotePrices {
  readonly bid?: string;
  readonly ask?: string;
  readonly last?: string;
}

/**
 * Quotes the broker declared valid until a time (`validUntil`: the next market step on a
 * wall-time clock), reused until then so that a burst of market orders asks the broker for a
 * price once per step and symbol instead of once per order. A quote without `validUntil`
 * (a hand-stepped test clock) is never kept. Bounded: the oldest symbol goes first.
 */
export class QuoteCache {
  private readonly entries = new Map<string, { quote: QuotePrices; untilMs: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxSymbols = 1000,
  ) {}

  get(symbol: string): QuotePrices | undefined {
    const e = this.entries.get(symbol);
    if (!e) return undefined;
    if (this.now() >= e.untilMs) {
      this.entries.delete(symbol);
      return undefined;
    }
    return e.quote;
  }

  set(symbol: string, quote: QuotePrices, validUntil: unknown): void {
    if (typeof validUntil !== 'string') return;
    const untilMs = Date.parse(validUntil);
    if (!(untilMs > this.now())) return;
    this.entries.delete(symbol);
    if (this.entries.size >= this.maxSymbols) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(symbol, { quote, untilMs });
  }
}
