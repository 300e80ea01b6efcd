import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ChalkInstance } from 'chalk';
import { SERVICE_NAMES } from '../../../../services/catalog.js';
import { UserError } from '../../errors.js';
import { readerGone } from '../../output/broken-pipe.js';
import { trapSignals, untilAborted } from '../../signals.js';
import {
  atLeastLevel,
  formatLogLine,
  formatPrefix,
  levelNumber,
  lineTime,
  prefixColour,
  type LevelName,
} from './log-format.js';
import { LogFollower, type FollowedFile } from './log-follow.js';
import { FILTERED_TAIL_WINDOW, tailLines } from './log-tail.js';
import type { HomePaths } from './paths.js';
import { knownService } from './service-control.js';

export interface LogsResult {
  /** The one name asked for; null when several were, or none (every service). */
  service: string | null;
  /** The services (or postgres) whose logs were read, in catalog order. */
  services: string[];
  files: string[];
  /** The lines shown, merged by time (only with --json; humans get them printed). */
  lines: { instance: string; line: string }[];
}

export interface LogsOptions {
  follow: boolean;
  /** Last lines per instance. */
  lines: number;
  /** Only lines at this level or above (lines that are not pino JSON always show). */
  level?: LevelName;
}

export interface LogsIo {
  json: boolean;
  raw: boolean;
  colour: ChalkInstance;
  print: (line: string) => void;
}

interface LogFile extends FollowedFile {
  /** The service (or postgres) it belongs to: its prefix colour. */
  readonly name: string;
}

/** Log files of a service (every instance) or of the embedded PostgreSQL. */
async function filesOf(paths: HomePaths, name: string): Promise<LogFile[]> {
  const entries = await readdir(paths.logs).catch(() => [] as string[]);
  const re = new RegExp(`^${name.replace(/[-]/g, '\\-')}(?:-(\\d+))?\\.log$`);
  return entries
    .map((e) => ({ e, m: re.exec(e) }))
    .filter((x) => x.m !== null)
    .sort((a, b) => Number(a.m?.[1] ?? 0) - Number(b.m?.[1] ?? 0))
    .map(({ e, m }) => ({
      name,
      label: `${name}-${m?.[1] ?? 0}`,
      file: path.join(paths.logs, e),
    }));
}

const noLogs = (paths: HomePaths, what: string): UserError =>
  new UserError('ALP_RUNTIME_NO_LOGS', `no log file for ${what} in ${paths.logs}`, {
    suggestions: [
      'start the platform first: alphintra up --detach',
      `known names: ${SERVICE_NAMES.join(', ')}, postgres`,
    ],
  });

/**
 * The files to read: each name's (an error for a name without any), or with no names every
 * service that has a log (PostgreSQL only when named).
 */
async function logFiles(paths: HomePaths, names: readonly string[]): Promise<LogFile[]> {
  for (const name of names) if (name !== 'postgres') knownService(name);
  if (names.length === 0) {
    const files = (await Promise.all(SERVICE_NAMES.map((n) => filesOf(paths, n)))).flat();
    if (files.length === 0) throw noLogs(paths, 'any service');
    return files;
  }
  const files: LogFile[] = [];
  for (const name of new Set(names)) {
    const found = await filesOf(paths, name);
    if (found.length === 0) throw noLogs(paths, name);
    files.push(...found);
  }
  return files;
}

/**
 * Every file's lines in one sequence by time (pino's `time`), each file's own order kept: a
 * line without a time (a stack trace) goes with the line before it.
 */
export function mergeByTime(
  perFile: readonly { readonly label: string; readonly lines: readonly string[] }[],
): { instance: string; line: string }[] {
  const queues = perFile.map((f) => {
    let at = -Infinity;
    return {
      label: f.label,
      items: f.lines.map((line) => ({ line, at: (at = lineTime(line) ?? at) })),
      next: 0,
    };
  });
  const out: { instance: string; line: string }[] = [];
  for (;;) {
    let pick: (typeof queues)[number] | undefined;
    for (const q of queues) {
      const head = q.items[q.next];
      if (head && (!pick || head.at < pick.items[pick.next]!.at)) pick = q;
    }
    if (!pick) return out;
    out.push({ instance: pick.label, line: pick.items[pick.next]!.line });
    pick.next += 1;
  }
}

/**
 * `alphintra logs [NAME...]`: the last lines of every instance's log (of every service when
 * no name is given), merged by time, then (with follow) new lines as they come until Ctrl-C.
 */
export async function runLogs(
  paths: HomePaths,
  names: readonly string[],
  opts: LogsOptions,
  io: LogsIo,
): Promise<LogsResult> {
  if (opts.follow && io.json) {
    throw new UserError('ALP_CLI_FLAGS_CONFLICT', '--follow cannot be combined with --json', {
      exit: 'usage',
    });
  }
  const files = await logFiles(paths, names);
  const min = opts.level && levelNumber(opts.level);
  const keep = min ? (line: string) => atLeastLevel(line, min) : undefined;
  const width = Math.max(...files.map((f) => f.label.length));
  const colourOf = new Map(
    files.map((f) => [
      f.label,
      prefixColour(Math.max(0, (SERVICE_NAMES as readonly string[]).indexOf(f.name))),
    ]),
  );
  const show = (label: string, line: string): void => {
    if (keep && !keep(line)) return;
    const body = io.raw ? line : formatLogLine(line, io.colour);
    io.print(
      files.length > 1
        ? `${formatPrefix(label, width, colourOf.get(label) ?? 'cyan', io.colour)} ${body}`
        : body,
    );
  };
  // Following ends on Ctrl-C, SIGTERM, a hang-up or the reader gone (`logs --follow | head`
  // ends like `tail -f`), trapped before the last lines print so that a signal arriving
  // meanwhile ends it as cleanly.
  const trap = opts.follow ? trapSignals() : undefined;
  try {
    const tails = await Promise.all(
      files.map(async (f) => ({
        label: f.label,
        lines: await tailLines(f.file, opts.lines, {
          ...(keep && { keep, windowBytes: FILTERED_TAIL_WINDOW }),
        }),
      })),
    );
    const result: LogsResult = {
      service: names.length === 1 ? names[0]! : null,
      services: [...new Set(files.map((f) => f.name))],
      files: files.map((f) => f.file),
      lines: [],
    };
    for (const l of mergeByTime(tails)) {
      if (io.json) result.lines.push(l);
      else show(l.instance, l.line);
    }
    if (!trap) return result;
    const follower = new LogFollower(files, show);
    await follower.start(false);
    await untilAborted(AbortSignal.any([trap.signal, readerGone(process.stdout)]));
    await follower.stop();
    return result;
  } finally {
    trap?.release();
  }
}
