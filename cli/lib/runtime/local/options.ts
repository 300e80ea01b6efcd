import { SERVICE_NAMES, type ServiceName } from '../../../../services/catalog.js';
import { UserError } from '../../errors.js';

/** Validated inputs of `up`, from flags and ALPHINTRA_* / DATABASE_URL / REDIS_URL. */
export interface UpOptions {
  portBase: number;
  /** Instances per service (1 unless scaled). */
  scale: Record<ServiceName, number>;
  dbPrefix: string;
  /** Port of the embedded PostgreSQL (ignored with DATABASE_URL). */
  pgPort: number;
  /** Per-service budget to reach /health/ready. */
  readyTimeoutMs: number;
  profile: 'dev' | 'test' | 'prod';
  logLevel: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** Services whose logs the foreground stream shows (all when empty). */
  logFilter: ServiceName[];
}

/** Raw values as oclif hands them over: strings, so every problem can be reported at once. */
export interface RawUpOptions {
  portBase?: string | undefined;
  scale?: readonly string[] | undefined;
  dbPrefix?: string | undefined;
  pgPort?: string | undefined;
  readyTimeout?: string | undefined;
  profile?: string | undefined;
  logLevel?: string | undefined;
  databaseUrl?: string | undefined;
  redisUrl?: string | undefined;
  services?: readonly string[] | undefined;
}

export const DEFAULT_PORT_BASE = 4000;
export const DEFAULT_DB_PREFIX = 'alphintra';
/** Embedded PostgreSQL sits at port base + 99: outside every service and scale port. */
export const PG_PORT_OFFSET = 99;
export const MAX_INSTANCES = 10;
/** Highest port base that still leaves room for scaled instances (base + 100 * 9 + 40). */
const MAX_PORT_BASE = 65535 - 100 * (MAX_INSTANCES - 1) - 99;
const PROFILES = ['dev', 'test', 'prod'] as const;
const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
const PREFIX_RE = /^[a-z][a-z0-9_]{0,39}$/;

function intIn(raw: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(raw.trim())) return undefined;
  const n = Number(raw);
  return n >= min && n <= max ? n : undefined;
}

function isKnown(name: string): name is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(name);
}

const known = (): string => SERVICE_NAMES.join(', ');

/** `trading=3`, also comma-separated (`trading=3,risk=2`, as ALPHINTRA_SCALE carries it). */
export function parseScale(
  entries: readonly string[],
  problems: string[],
): Record<ServiceName, number> {
  const scale = Object.fromEntries(SERVICE_NAMES.map((n) => [n, 1])) as Record<ServiceName, number>;
  const seen = new Set<string>();
  for (const entry of entries
    .flatMap((e) => e.split(','))
    .map((e) => e.trim())
    .filter(Boolean)) {
    const m = /^([a-z-]+)=(.*)$/.exec(entry);
    if (!m) {
      problems.push(`--scale ${entry}: expected NAME=N, e.g. trading=3`);
      continue;
    }
    const [, name = '', count = ''] = m;
    if (!isKnown(name)) {
      problems.push(`--scale ${entry}: unknown service "${name}" (known: ${known()})`);
      continue;
    }
    if (seen.has(name)) problems.push(`--scale ${entry}: ${name} is scaled twice`);
    seen.add(name);
    const n = intIn(count, 1, MAX_INSTANCES);
    if (n === undefined)
      problems.push(`--scale ${entry}: N must be an integer from 1 to ${MAX_INSTANCES}`);
    else scale[name] = n;
  }
  return scale;
}

function checkUrl(
  raw: string | undefined,
  name: string,
  protocols: string[],
  problems: string[],
): void {
  if (raw === undefined || raw === '') return;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`${name} is not a URL`);
    return;
  }
  if (!protocols.includes(url.protocol)) {
    problems.push(
      `${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')} (got ${url.protocol}//)`,
    );
  }
}

/** Validates everything at once; throws one UserError listing every problem (exit 3). */
export function parseUpOptions(raw: RawUpOptions): UpOptions {
  const problems: string[] = [];

  let portBase = DEFAULT_PORT_BASE;
  if (raw.portBase !== undefined) {
    const n = intIn(raw.portBase, 1024, MAX_PORT_BASE);
    if (n === undefined)
      problems.push(
        `--port-base ${raw.portBase}: must be an integer from 1024 to ${MAX_PORT_BASE}`,
      );
    else portBase = n;
  }

  let pgPort = portBase + PG_PORT_OFFSET;
  if (raw.pgPort !== undefined) {
    const n = intIn(raw.pgPort, 1024, 65535);
    if (n === undefined)
      problems.push(`--pg-port ${raw.pgPort}: must be an integer from 1024 to 65535`);
    else pgPort = n;
  }

  let readyTimeoutMs = 30_000;
  if (raw.readyTimeout !== undefined) {
    const n = intIn(raw.readyTimeout, 1, 600);
    if (n === undefined)
      problems.push(`--ready-timeout ${raw.readyTimeout}: must be seconds from 1 to 600`);
    else readyTimeoutMs = n * 1000;
  }

  const dbPrefix = raw.dbPrefix ?? DEFAULT_DB_PREFIX;
  if (!PREFIX_RE.test(dbPrefix)) {
    problems.push(
      `--db-prefix ${dbPrefix}: must match ${PREFIX_RE.source} (lowercase letters, digits, _)`,
    );
  }

  const profile = raw.profile ?? 'dev';
  if (!(PROFILES as readonly string[]).includes(profile)) {
    problems.push(`--profile ${profile}: must be one of ${PROFILES.join(', ')}`);
  }
  const logLevel = raw.logLevel ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`--log-level ${logLevel}: must be one of ${LOG_LEVELS.join(', ')}`);
  }

  const scale = parseScale(raw.scale ?? [], problems);

  const logFilter: ServiceName[] = [];
  for (const s of (raw.services ?? [])
    .flatMap((e) => e.split(','))
    .map((e) => e.trim())
    .filter(Boolean)) {
    if (isKnown(s)) logFilter.push(s);
    else problems.push(`--service ${s}: unknown service (known: ${known()})`);
  }

  checkUrl(raw.databaseUrl, 'DATABASE_URL', ['postgres:', 'postgresql:'], problems);
  checkUrl(raw.redisUrl, 'REDIS_URL', ['redis:', 'rediss:'], problems);

  if (problems.length > 0) {
    throw new UserError(
      'ALP_CONFIG_INVALID',
      `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was started`,
      { problems, suggestions: ['fix the values above and run the command again'] },
    );
  }

  return {
    portBase,
    scale,
    dbPrefix,
    pgPort,
    readyTimeoutMs,
    profile: profile as UpOptions['profile'],
    logLevel,
    databaseUrl: raw.databaseUrl === '' ? undefined : raw.databaseUrl,
    redisUrl: raw.redisUrl === '' ? undefined : raw.redisUrl,
    logFilter,
  };
}
