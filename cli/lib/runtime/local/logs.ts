import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ChalkInstance } from 'chalk';
import { SERVICE_NAMES } from '../../../../services/catalog.js';
import { UserError } from '../../errors.js';
import { readerGone } from '../../output/broken-pipe.js';
import { formatLogLine, formatPrefix, prefixColour } from './log-format.js';
import { LogFollower, type FollowedFile } from './log-follow.js';
import { tailLines } from './log-tail.js';
import type { HomePaths } from './paths.js';
import { knownService } from './service-control.js';

export interface LogsResult {
  service: string;
  files: string[];
  /** The lines shown (only with --json; humans get them printed). */
  lines: { instance: string; line: string }[];
}

export interface LogsIo {
  json: boolean;
  raw: boolean;
  colour: ChalkInstance;
  print: (line: string) => void;
}

/** Log files of a service (every instance) or of the embedded PostgreSQL. */
async function filesOf(paths: HomePaths, name: string): Promise<FollowedFile[]> {
  const entries = await readdir(paths.logs).catch(() => [] as string[]);
  const re = new RegExp(`^${name.replace(/[-]/g, '\\-')}(?:-(\\d+))?\\.log$`);
  return entries
    .map((e) => ({ e, m: re.exec(e) }))
    .filter((x) => x.m !== null)
    .sort((a, b) => Number(a.m?.[1] ?? 0) - Number(b.m?.[1] ?? 0))
    .map(({ e, m }) => ({ label: `${name}-${m?.[1] ?? 0}`, file: path.join(paths.logs, e) }));
}

/**
 * `alphintra logs NAME`: the last lines of every instance's log, then (with follow) new
 * lines as they come until Ctrl-C.
 */
export async function runLogs(
  paths: HomePaths,
  name: string,
  opts: { follow: boolean; lines: number },
  io: LogsIo,
): Promise<LogsResult> {
  if (name !== 'postgres') knownService(name);
  if (opts.follow && io.json) {
    throw new UserError('ALP_CLI_FLAGS_CONFLICT', '--follow cannot be combined with --json', {
      exit: 'usage',
    });
  }
  const files = await filesOf(paths, name);
  if (files.length === 0) {
    throw new UserError('ALP_RUNTIME_NO_LOGS', `no log file for ${name} in ${paths.logs}`, {
      suggestions: [
        'start the platform first: alphintra up --detach',
        `known names: ${SERVICE_NAMES.join(', ')}, postgres`,
      ],
    });
  }
  const width = Math.max(...files.map((f) => f.label.length));
  const colour = prefixColour(Math.max(0, (SERVICE_NAMES as readonly string[]).indexOf(name)));
  const show = (label: string, line: string): void => {
    const body = io.raw ? line : formatLogLine(line, io.colour);
    io.print(files.length > 1 ? `${formatPrefix(label, width, colour, io.colour)} ${body}` : body);
  };
  const result: LogsResult = { service: name, files: files.map((f) => f.file), lines: [] };
  for (const f of files) {
    for (const line of await tailLines(f.file, opts.lines)) {
      if (io.json) result.lines.push({ instance: f.label, line });
      else show(f.label, line);
    }
  }
  if (!opts.follow) return result;

  const follower = new LogFollower(files, show);
  await follower.start(false);
  // Until Ctrl-C, SIGTERM, or the reader is gone (`logs --follow | head` ends like `tail -f`).
  const readerLeft = readerGone(process.stdout);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      readerLeft.removeEventListener('abort', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (readerLeft.aborted) stop();
    else readerLeft.addEventListener('abort', stop);
  });
  await follower.stop();
  return result;
}
