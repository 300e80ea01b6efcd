import { Chalk, type ChalkInstance } from 'chalk';

export type ColourLevel = 0 | 1 | 2 | 3;

/**
 * Colour rules of ARCHITECTURE.md §6: `NO_COLOR` (any non-empty value) turns colour off,
 * `FORCE_COLOR` forces it (0/false off, 1-3 a level), otherwise colour only on a TTY whose
 * TERM is not `dumb`. CI without a TTY therefore gets plain text.
 */
export function colourLevel(env: NodeJS.ProcessEnv, isTTY: boolean): ColourLevel {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2' || force === '3') return Number(force) as ColourLevel;
    return 1;
  }
  if (!isTTY || env.TERM === 'dumb') return 0;
  return env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit' ? 3 : 2;
}

/** A chalk instance following the colour rules for the given stream. */
export function colourFor(stream: { isTTY?: boolean }, env = process.env): ChalkInstance {
  return new Chalk({ level: colourLevel(env, stream.isTTY === true) });
}
