import { catalog, startOrder, type ServiceName } from '../../../../services/catalog.js';
import { ExternalError, UserError } from '../../errors.js';
import type { UpReporter } from './events.js';
import { tailLines } from './log-tail.js';
import type { InstancePlan } from './port-plan.js';
import { spawnService, type SpawnedInstance } from './processes.js';
import { probeReady, readyUrl } from './readiness.js';

/**
 * Exit code of a service whose config was refused: the platform kit's EXIT_CONFIG
 * (services/platform/run-service.ts), the CLI's "precondition not met".
 */
export const EX_CONFIG = 3;

export interface LaunchContext {
  host: string;
  cwd: string;
  budgetMs: number;
  nodeArgsOf: (service: ServiceName) => string[];
  envOf: (instance: InstancePlan) => Record<string, string>;
  logFileOf: (instance: InstancePlan) => string;
  /** Called right after a spawn, so state.json always knows every pid to stop. */
  onSpawned: (instance: InstancePlan, pid: number) => Promise<void>;
  report: UpReporter;
  signal: AbortSignal;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/**
 * Waits until an instance answers 200 on /health/ready, reporting what it waits for about
 * once a second. Fails fast when the process exits, when the budget runs out, or when `up`
 * is cancelled: it never hangs.
 */
export async function waitInstanceReady(
  instance: InstancePlan,
  spawned: SpawnedInstance,
  ctx: Pick<LaunchContext, 'host' | 'budgetMs' | 'report' | 'signal' | 'logFileOf' | 'nodeArgsOf'>,
): Promise<void> {
  const started = Date.now();
  const url = readyUrl(ctx.host, instance.port);
  let exit: number | string | undefined;
  void spawned.exited.then((code) => {
    exit = code;
  });
  let lastReport = 0;
  let detail = 'not started';
  for (let attempt = 0; ; attempt++) {
    if (ctx.signal.aborted) throw new Cancelled();
    if (exit !== undefined) {
      const tail = await tailLines(ctx.logFileOf(instance), 20);
      throw new ExternalError(
        exit === EX_CONFIG ? 'ALP_RUNTIME_SERVICE_CONFIG' : 'ALP_RUNTIME_SERVICE_CRASHED',
        `${instance.id} exited (${exit}) before it was ready`,
        {
          target: `node ${ctx.nodeArgsOf(instance.service).join(' ')}`,
          status: exit,
          outputTail: tail,
          suggestions: [`full log: ${ctx.logFileOf(instance)}`],
          exit: exit === EX_CONFIG ? 'precondition' : 'failed',
        },
      );
    }
    const elapsed = Date.now() - started;
    if (elapsed > ctx.budgetMs) {
      throw new ExternalError(
        'ALP_RUNTIME_SERVICE_NOT_READY',
        `${instance.id} was not ready after ${Math.round(ctx.budgetMs / 1000)} s (last answer: ${detail})`,
        {
          target: `GET ${url}`,
          status: detail,
          outputTail: await tailLines(ctx.logFileOf(instance), 20),
          suggestions: [
            `full log: ${ctx.logFileOf(instance)}`,
            'raise the budget with --ready-timeout SECONDS',
          ],
        },
      );
    }
    const probe = await probeReady(url, 1000);
    if (probe.ready) return;
    detail = probe.detail;
    if (Date.now() - lastReport >= 1000) {
      lastReport = Date.now();
      ctx.report({
        type: 'instance',
        service: instance.service,
        instance: instance.id,
        status: 'waiting',
        message: `${instance.id} waits on /health/ready: ${detail}, ${Math.floor(elapsed / 1000)} s of ${Math.round(ctx.budgetMs / 1000)} s`,
        elapsedMs: elapsed,
      });
    }
    // Poll fast at first (a bare service is ready in a few hundred ms), then back off.
    await sleep(attempt < 40 ? 50 : 200);
  }
}

/**
 * Starts every planned instance, each service as soon as everything it depends on is
 * ready (independent services start in parallel), and resolves when all are ready.
 * The first failure cancels the rest and rejects.
 */
export async function launchAll(plan: readonly InstancePlan[], ctx: LaunchContext): Promise<void> {
  const byService = new Map<ServiceName, InstancePlan[]>();
  for (const i of plan) byService.set(i.service, [...(byService.get(i.service) ?? []), i]);
  // A dependency cycle would make the waits below wait on themselves forever: startOrder
  // throws on one (and on an unknown dependency) before anything starts.
  startOrder([...byService.keys()].map((n) => catalog[n]));
  for (const name of byService.keys()) {
    for (const dep of catalog[name].dependsOn) {
      if (!byService.has(dep)) {
        throw new UserError(
          'ALP_RUNTIME_DEPENDENCY_MISSING',
          `${name} depends on ${dep}, which is not in the plan`,
        );
      }
    }
  }
  const ready = new Map<ServiceName, Promise<void>>();
  const t0 = Date.now();
  // Our own abort: the first failure stops every other start, like a cancel from outside.
  const abort = new AbortController();
  const onOuterAbort = (): void => abort.abort();
  ctx.signal.addEventListener('abort', onOuterAbort, { once: true });
  const inner = { ...ctx, signal: abort.signal };
  const startService = (name: ServiceName): Promise<void> => {
    const existing = ready.get(name);
    if (existing) return existing;
    const promise = (async () => {
      const deps = catalog[name].dependsOn;
      const instances = byService.get(name) ?? [];
      if (deps.length > 0) {
        for (const i of instances) {
          ctx.report({
            type: 'instance',
            service: name,
            instance: i.id,
            status: 'waiting-deps',
            message: `${i.id} waits for ${deps.join(', ')} to be ready`,
            elapsedMs: Date.now() - t0,
          });
        }
        await Promise.all(deps.map(startService));
      }
      if (abort.signal.aborted) throw new Cancelled();
      const startInstance = async (i: InstancePlan): Promise<void> => {
        ctx.report({
          type: 'instance',
          service: name,
          instance: i.id,
          status: 'starting',
          message: `starting ${i.id} on port ${i.port}`,
          elapsedMs: Date.now() - t0,
        });
        if (abort.signal.aborted) throw new Cancelled();
        const spawned = spawnService(ctx.nodeArgsOf(name), ctx.envOf(i), ctx.cwd, ctx.logFileOf(i));
        if (spawned.pid > 0) await ctx.onSpawned(i, spawned.pid);
        await waitInstanceReady(i, spawned, inner);
        ctx.report({
          type: 'instance',
          service: name,
          instance: i.id,
          status: 'ready',
          message: `${i.id} ready on http://${ctx.host}:${i.port}`,
          elapsedMs: Date.now() - t0,
        });
      };
      // The first instance starts alone: its one-time setup (migrations, event-bus queues) must
      // not race a sibling doing the same. Extra instances then start together.
      const [first, ...rest] = instances;
      if (first) await startInstance(first);
      await Promise.all(rest.map(startInstance));
    })();
    ready.set(name, promise);
    return promise;
  };
  // Rejections surface through Promise.all; attach handlers so none is reported unhandled.
  const all = [...byService.keys()].map(startService);
  for (const p of all) p.catch(() => undefined);
  try {
    await Promise.all(all);
  } catch (err) {
    abort.abort();
    // Let every in-flight start settle, so no process is spawned after the caller cleans up.
    await Promise.allSettled(all);
    throw err;
  } finally {
    ctx.signal.removeEventListener('abort', onOuterAbort);
  }
}
