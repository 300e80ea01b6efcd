import { createPrivateKey, createSign, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceName } from '../../../services/catalog.js';
import { rsaThumbprint } from '../runtime/local/keys.js';
import { JWT_AUDIENCE, JWT_ISSUER } from '../runtime/local/env.js';
import type { HomePaths } from '../runtime/local/paths.js';
import { isAlive } from '../runtime/local/liveness.js';
import { startService, stopService } from '../runtime/local/service-control.js';
import { readState, type InstanceState } from '../runtime/local/state.js';
import { expectStatus } from './expect.js';
import { http, type HttpMethod, type HttpOptions, type HttpResult } from './http.js';

/** What a test may do: everything goes through the gateway unless it says `direct`. */
export interface E2eContext {
  /** Gateway base URL, e.g. http://127.0.0.1:4000 */
  readonly gateway: string;
  /** Aborted when the test's deadline passes or the run is interrupted. */
  readonly signal: AbortSignal;
  /** This test's own client address (127.0.0.0/8): per-IP limits do not leak between tests. */
  readonly from: string;
  /** A request through the gateway from this test's client address. */
  call(method: HttpMethod, urlPath: string, opts?: HttpOptions): Promise<HttpResult>;
  /** Base URL of a service's first running instance (for what the gateway does not carry). */
  directUrl(service: ServiceName): string;
  /** A request straight to a service's first instance (to prove it checks tokens itself). */
  direct(
    service: ServiceName,
    method: HttpMethod,
    urlPath: string,
    opts?: HttpOptions,
  ): Promise<HttpResult>;
  /** A fresh user, registered and logged in through the gateway; `roles` granted by an admin. */
  user(opts?: UserOptions): Promise<E2eUser>;
  /** Tokens signed with the platform's own key: for the first admin and for the attacks. */
  readonly keys: PlatformKeys;
  /** Stops every instance of a service gracefully: it deregisters (disruptive tests only). */
  stopService(name: ServiceName): Promise<void>;
  /**
   * SIGKILLs every instance of a service: a crash, so its registrations stay until their
   * lease lapses and callers meet a dead instance (disruptive tests only).
   */
  killService(name: ServiceName): Promise<void>;
  /** The log lines every instance of a service has written so far (pino JSON, one per line). */
  logLines(name: ServiceName): Promise<string[]>;
  /** Starts a stopped service again and waits until it is ready. */
  startService(name: ServiceName): Promise<void>;
  /** Records a line in the test's report (what it saw, e.g. a latency). */
  note(line: string): void;
}

export type Role = 'trader' | 'risk-officer' | 'admin';

export interface UserOptions {
  /** Roles besides trader, granted through `PUT /api/v1/users/:id/roles` by an admin. */
  roles?: readonly Role[];
  /** Paper cash deposited after login, as a decimal string. */
  deposit?: string;
}

export interface E2eUser {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly roles: readonly Role[];
  /** A request through the gateway with this user's access token. */
  call(method: HttpMethod, urlPath: string, opts?: HttpOptions): Promise<HttpResult>;
}

export interface PlatformKeys {
  readonly kid: string;
  readonly issuer: string;
  readonly audience: string;
  readonly privateKey: KeyObject;
  /** The SPKI PEM of the public key (what a key-confusion attack signs with). */
  readonly publicPem: string;
  /** RS256 over any header and claims (attacks need both). */
  sign(header: Record<string, unknown>, claims: Record<string, unknown>): string;
  /** An access token shaped exactly like auth's (five minutes), with overrides. */
  accessToken(sub: string, roles: readonly Role[], claims?: Record<string, unknown>): string;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** The platform's signing key from the home `up` created it in (keys/jwt-*.pem). */
export async function loadPlatformKeys(paths: HomePaths): Promise<PlatformKeys> {
  const [privatePem, publicPem] = await Promise.all([
    readFile(path.join(paths.keys, 'jwt-private.pem'), 'utf8'),
    readFile(path.join(paths.keys, 'jwt-public.pem'), 'utf8'),
  ]);
  const privateKey = createPrivateKey(privatePem);
  const kid = rsaThumbprint(publicPem);
  const sign = (header: Record<string, unknown>, claims: Record<string, unknown>) => {
    const input = `${b64(header)}.${b64(claims)}`;
    return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
  };
  return {
    kid,
    issuer: JWT_ISSUER,
    audience: JWT_AUDIENCE,
    privateKey,
    publicPem,
    sign,
    accessToken(sub, roles, claims = {}) {
      const iat = Math.floor(Date.now() / 1000);
      return sign(
        { alg: 'RS256', typ: 'at+jwt', kid },
        {
          iss: JWT_ISSUER,
          aud: JWT_AUDIENCE,
          sub,
          iat,
          exp: iat + 300,
          jti: randomUUID(),
          roles: [...roles],
          ...claims,
        },
      );
    },
  };
}

export interface ContextDeps {
  readonly gateway: string;
  readonly directUrl: (service: ServiceName) => string;
  readonly paths: HomePaths;
  readonly keys: PlatformKeys;
  readonly from: string;
  readonly signal: AbortSignal;
  readonly notes: string[];
}

/** Anonymous setup calls (register, login) that meet the gateway's limit wait and try again. */
async function withRetryAfter(
  send: () => Promise<HttpResult>,
  signal: AbortSignal,
): Promise<HttpResult> {
  for (let attempt = 0; ; attempt++) {
    const res = await send();
    if (res.status !== 429 || attempt === 3) return res;
    const wait = Number(res.headers['retry-after'] ?? 1);
    await sleep(Math.min(Math.max(wait, 1), 60) * 1000, undefined, { signal });
  }
}

async function instancesOf(paths: HomePaths, name: ServiceName): Promise<InstanceState[]> {
  const state = await readState(paths.state);
  if (state === undefined || state === 'corrupt') throw new Error(`no readable ${paths.state}`);
  return state.instances.filter((i) => i.service === name);
}

export function createContext(deps: ContextDeps): E2eContext {
  const { gateway, from, signal } = deps;
  const call = (method: HttpMethod, urlPath: string, opts: HttpOptions = {}) =>
    http(method, `${gateway}${urlPath}`, { from, signal, ...opts });
  let admin: Promise<string> | undefined;

  /** A real admin's token: a registered user whose admin role was signed by the operator. */
  const adminToken = async (): Promise<string> => {
    admin ??= register().then((u) => deps.keys.accessToken(u.id, ['trader', 'admin']));
    return admin;
  };

  async function register(): Promise<{ id: string; email: string; password: string }> {
    const email = `e2e-${randomUUID()}@e2e.alphintra.dev`;
    const password = randomBytes(18).toString('base64url');
    const reg = await withRetryAfter(
      () => call('POST', '/api/v1/auth/register', { body: { email, password } }),
      signal,
    );
    expectStatus(reg, 201, 'register');
    const { id } = reg.body as { id?: unknown };
    if (typeof id !== 'string')
      throw new Error(`register answered no id: ${JSON.stringify(reg.body)}`);
    return { id, email, password };
  }

  return {
    gateway,
    signal,
    from,
    keys: deps.keys,
    call,
    directUrl: deps.directUrl,
    direct: (service, method, urlPath, opts = {}) =>
      http(method, `${deps.directUrl(service)}${urlPath}`, { from, signal, ...opts }),
    async user(opts = {}) {
      const { id, email, password } = await register();
      const extra = (opts.roles ?? []).filter((r) => r !== 'trader');
      if (extra.length > 0) {
        const granted = await call('PUT', `/api/v1/users/${id}/roles`, {
          token: await adminToken(),
          body: { roles: ['trader', ...extra] },
        });
        expectStatus(granted, 200, 'role grant');
      }
      const login = await withRetryAfter(
        () => call('POST', '/api/v1/auth/login', { body: { email, password } }),
        signal,
      );
      expectStatus(login, 200, 'login');
      const session = login.body as { accessToken: string; refreshToken: string };
      const user: E2eUser = {
        id,
        email,
        password,
        accessToken: session.accessToken,
        refreshToken: session.refreshToken,
        roles: ['trader', ...extra],
        call: (method, urlPath, o = {}) =>
          call(method, urlPath, { token: session.accessToken, ...o }),
      };
      if (opts.deposit !== undefined) {
        const dep = await user.call('POST', '/api/v1/accounts/me/deposits', {
          body: { amount: opts.deposit, currency: 'USD' },
          headers: { 'idempotency-key': `e2e-deposit-${randomUUID()}` },
        });
        expectStatus(dep, 201, 'deposit');
      }
      return user;
    },
    async stopService(name) {
      await stopService(deps.paths, name);
    },
    async killService(name) {
      for (const i of await instancesOf(deps.paths, name)) {
        if (i.pid !== null && isAlive(i.pid)) process.kill(i.pid, 'SIGKILL');
      }
    },
    async logLines(name) {
      const files = (await instancesOf(deps.paths, name)).map((i) => i.log);
      const texts = await Promise.all(files.map((f) => readFile(f, 'utf8').catch(() => '')));
      return texts.flatMap((text) => text.split('\n').filter((l) => l.length > 0));
    },
    async startService(name) {
      await startService(deps.paths, name, process.env);
    },
    note: (line) => deps.notes.push(line),
  };
}
