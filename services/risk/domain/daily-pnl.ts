import { dec, formatDecimal } from '../../platform/decimal.js';

/** Realised P&L of one UTC trading day; a new day starts from zero. */
export interface DailyPnl {
  readonly day: string;
  readonly realizedPnl: string;
}

export function utcDay(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10);
}

/** Today's realised P&L ('0' when the stored figure is from another day). */
export function realizedToday(daily: DailyPnl | undefined, nowMs: number): string {
  return daily !== undefined && daily.day === utcDay(nowMs) ? daily.realizedPnl : '0';
}

export function addRealized(daily: DailyPnl | undefined, delta: string, nowMs: number): DailyPnl {
  return {
    day: utcDay(nowMs),
    realizedPnl: formatDecimal(dec(realizedToday(daily, nowMs)).plus(delta)),
  };
}
