import { Listr, ProcessOutput, type ListrTaskWrapper } from 'listr2';
import type { UpEvent, UpStep } from '../runtime/local/events.js';
import type { ClosableReporter } from './up-reporter.js';

interface Pending {
  resolve: (title: string | undefined) => void;
  reject: (err: unknown) => void;
  task?: ListrTaskWrapper<unknown, never, never>;
  output?: string;
  settled: boolean;
}

/** Live progress on a TTY (listr2), every row waiting for the event that completes it. */
export function listrReporter(instanceIds: readonly string[]): ClosableReporter {
  const rows = new Map<string, Pending>();
  const promises = new Map<string, Promise<string | undefined>>();
  const row = (key: string): Promise<string | undefined> => {
    let p = promises.get(key);
    if (!p) {
      const pending: Pending = {
        resolve: () => undefined,
        reject: () => undefined,
        settled: false,
      };
      p = new Promise<string | undefined>((resolve, reject) => {
        pending.resolve = (t) => {
          pending.settled = true;
          resolve(t);
        };
        pending.reject = (e) => {
          pending.settled = true;
          reject(e instanceof Error ? e : new Error(String(e)));
        };
      });
      p.catch(() => undefined);
      rows.set(key, pending);
      promises.set(key, p);
    }
    return p;
  };
  const stepTask = (key: UpStep | string, title: string) => ({
    title,
    task: async (_ctx: unknown, task: ListrTaskWrapper<unknown, never, never>) => {
      const pending = rows.get(key);
      if (pending) pending.task = task;
      if (pending?.output) task.output = pending.output;
      const done = await row(key);
      if (done === undefined) task.skip();
      else task.title = done;
    },
  });
  for (const key of ['keys', 'postgres', 'databases', ...instanceIds]) void row(key);
  const list = new Listr(
    [
      stepTask('keys', 'Signing keys'),
      stepTask('postgres', 'PostgreSQL'),
      stepTask('databases', 'Databases and roles'),
      {
        title: 'Services',
        task: (_ctx, task) =>
          task.newListr(
            instanceIds.map((id) => stepTask(id, id)),
            { concurrent: true, exitOnError: true },
          ),
      },
    ],
    {
      exitOnError: true,
      registerSignalListeners: false,
      rendererOptions: { collapseSubtasks: false, showErrorMessage: false },
      processOutput: new ProcessOutput(process.stderr, process.stderr),
    } as never,
  );
  const running = list.run().catch(() => undefined);
  return {
    report: (e: UpEvent) => {
      if (e.type === 'note') return;
      if (e.type === 'step') {
        if (e.status === 'done' && e.step !== 'services') rows.get(e.step)?.resolve(e.message);
      } else {
        const pending = rows.get(e.instance);
        if (!pending) return;
        if (e.status === 'ready') pending.resolve(`${e.message} (${e.elapsedMs} ms)`);
        else {
          pending.output = e.message;
          if (pending.task) pending.task.output = e.message;
        }
      }
    },
    close: async (error?: unknown) => {
      for (const p of rows.values()) {
        if (p.settled) continue;
        if (error === undefined) p.resolve(undefined);
        else p.reject(new Error('stopped'));
      }
      await running;
    },
  };
}
