import type { ChalkInstance } from 'chalk';

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const HIDDEN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service', 'instance', 'v']);

/** Colours cycled over services so each prefix keeps one colour for the whole stream. */
const PALETTE = [
  'cyan',
  'magenta',
  'yellow',
  'green',
  'blue',
  'redBright',
  'cyanBright',
  'magentaBright',
  'greenBright',
  'blueBright',
] as const;

export function prefixColour(index: number): (typeof PALETTE)[number] {
  return PALETTE[index % PALETTE.length] ?? 'cyan';
}

function levelColour(c: ChalkInstance, level: string): string {
  if (level === 'ERROR' || level === 'FATAL') return c.red(level);
  if (level === 'WARN') return c.yellow(level);
  return c.dim(level);
}

/** Level names a user may give (`--level warn`), lowest first, with pino's numbers. */
export const LEVEL_NAMES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LevelName = (typeof LEVEL_NAMES)[number];
export const levelNumber = (name: LevelName): number => (LEVEL_NAMES.indexOf(name) + 1) * 10;

/** A pino line's fields, or undefined for anything else (a stack trace, a crash message). */
function pinoRecord(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const rec: unknown = JSON.parse(line);
    return rec !== null && typeof rec === 'object' ? (rec as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A pino line's `time` (epoch ms), or undefined. */
export function lineTime(line: string): number | undefined {
  const t = pinoRecord(line)?.time;
  return typeof t === 'number' ? t : undefined;
}

/**
 * Whether a line is at `min` or above. Lines that are not pino JSON always pass: what a
 * service prints outside its logger is a crash (an uncaught exception, a fatal startup error).
 */
export function atLeastLevel(line: string, min: number): boolean {
  const rec = pinoRecord(line);
  if (!rec) return true;
  return typeof rec.level !== 'number' || rec.level >= min;
}

/**
 * One log line for humans: pino JSON becomes `time LEVEL msg key=value ...`; anything else
 * (a stack trace, a crash message) is shown as it is.
 */
export function formatLogLine(line: string, c: ChalkInstance): string {
  const rec = pinoRecord(line);
  if (!rec) return line;
  const level =
    typeof rec.level === 'number'
      ? (LEVELS[rec.level] ?? String(rec.level))
      : String(rec.level ?? '');
  const time = typeof rec.time === 'number' ? new Date(rec.time).toISOString().slice(11, 23) : '';
  const extras = Object.entries(rec)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [
    c.dim(time),
    levelColour(c, level.padEnd(5)),
    String(rec.msg ?? ''),
    c.dim(extras.join(' ')),
  ]
    .filter((s) => s !== '')
    .join(' ');
}

/** `[trading-0] ` padded to a common width, in the service's colour. */
export function formatPrefix(
  label: string,
  width: number,
  colour: (typeof PALETTE)[number],
  c: ChalkInstance,
): string {
  return c[colour](`${label.padEnd(width)} |`);
}
