import type { ChalkInstance } from 'chalk';
import { SERVICE_NAMES } from '../../../../services/catalog.js';
import { ndjsonReporter, plainReporter, type ClosableReporter } from '../../output/up-reporter.js';
import { formatLogLine, formatPrefix, prefixColour } from './log-format.js';
import { LogFollower } from './log-follow.js';
import { parseUpOptions, type RawUpOptions } from './options.js';
import { resolveHome } from './paths.js';
import { planInstances } from './port-plan.js';
import { isAlive } from './liveness.js';
import { readState, removeState } from './state.js';
import type { PlatformStatus } from './status.js';
import { renderEndpoints } from './summary.js';
import { stopRecorded } from './teardown.js';
import { startPlatform, type StartedPlatform } from './up.js';
import { trapSignals, untilAborted } from '../../signals.js';

export interface UpResult {
  alreadyRunning: boolean;
  mode: 'detached' | 'foreground';
  home: string;
  status: PlatformStatus;
  postgres: StartedPlatform['postgres'];
  notes: string[];
  timings: StartedPlatform['timings'];
  unsetEnv: string[];
  /** Foreground only: what ended the run. */
  stoppedBy: string | null;
}

export interface UpCommandIo {
  json: boolean;
  verbose: boolean;
  /** Whether stderr is a TTY (live progress) and stdout colours. */
  tty: boolean;
  colour: ChalkInstance;
  colourErr: ChalkInstance;
  env: NodeJS.ProcessEnv;
}

async function reporterFor(io: UpCommandIo, instanceIds: string[]): Promise<ClosableReporter> {
  if (io.json) return ndjsonReporter();
  // Loaded only for a terminal: CI and --json never pay for it.
  if (io.tty && !io.verbose)
    return (await import('../../output/listr-reporter.js')).listrReporter(instanceIds);
  return plainReporter(io.colourErr, io.verbose);
}

/**
 * `alphintra up`: validate everything, start the platform, and either return (detach) or
 * stream the services' logs until Ctrl-C/SIGTERM and then stop everything it started.
 */
export async function runUp(
  raw: RawUpOptions,
  detach: boolean,
  io: UpCommandIo,
): Promise<UpResult> {
  const options = parseUpOptions(raw);
  const paths = resolveHome(io.env);
  const mode = detach ? 'detached' : 'foreground';
  const trap = trapSignals();
  const plan = planInstances(options.portBase, options.scale);
  const reporter = await reporterFor(
    io,
    plan.map((i) => i.id),
  );
  let started: StartedPlatform;
  try {
    started = await startPlatform(
      options,
      paths,
      { report: reporter.report, signal: trap.signal, parentEnv: io.env },
      mode,
    );
    await reporter.close();
  } catch (err) {
    await reporter.close(err);
    trap.release();
    throw err;
  }
  const print = (s: string): void => {
    if (!io.json) process.stdout.write(`${s}\n`);
  };
  const result: UpResult = {
    alreadyRunning: started.alreadyRunning,
    mode: started.state.mode,
    home: paths.home,
    status: started.status,
    postgres: started.postgres,
    notes: started.notes,
    timings: started.timings,
    unsetEnv: started.unsetEnv,
    stoppedBy: null,
  };
  if (!io.json) {
    for (const n of started.notes) process.stderr.write(`${io.colourErr.yellow('note')} ${n}\n`);
    if (io.verbose && started.unsetEnv.length > 0) {
      process.stderr.write(
        `${io.colourErr.dim(`left unset (service defaults apply): ${started.unsetEnv.join(', ')}`)}\n`,
      );
    }
    print(renderEndpoints(started.status, io.colour));
    if (!started.alreadyRunning) {
      print(io.colour.dim(`ready in ${(started.timings.totalMs / 1000).toFixed(1)} s`));
    }
  }
  if (detach || started.alreadyRunning) {
    trap.release();
    return result;
  }

  // Foreground: stream logs until a signal, then stop everything this run started.
  const shown = options.logFilter.length > 0 ? options.logFilter : [...SERVICE_NAMES];
  const files = started.state.instances
    .filter((i) => shown.includes(i.service))
    .map((i) => ({
      label: i.id,
      file: i.log,
      colour: prefixColour(SERVICE_NAMES.indexOf(i.service)),
    }));
  const width = Math.max(...files.map((f) => f.label.length));
  const colourOf = new Map(files.map((f) => [f.label, f.colour]));
  const follower = new LogFollower(files, (label, line) =>
    print(
      `${formatPrefix(label, width, colourOf.get(label) ?? 'cyan', io.colour)} ${formatLogLine(line, io.colour)}`,
    ),
  );
  if (!io.json) print(io.colour.dim('Streaming logs; press Ctrl-C to stop the platform.'));
  await follower.start(true);
  // A service that dies while we stream is said once (its own log shows why); `service stop`
  // from another terminal clears its pid in state.json, so that is not reported as a death.
  const reported = new Set<number>();
  const watchdog = setInterval(() => {
    void readState(paths.state).then((s) => {
      if (s === undefined || s === 'corrupt') return;
      for (const i of s.instances) {
        if (i.pid === null || reported.has(i.pid) || isAlive(i.pid)) continue;
        reported.add(i.pid);
        process.stderr.write(
          `${io.colourErr.red(`${i.id} exited`)}; see: alphintra logs ${i.service}\n`,
        );
      }
    });
  }, 1000);
  await untilAborted(trap.signal);
  clearInterval(watchdog);
  await follower.stop();
  process.stderr.write(
    io.json ? '' : `\nstopping the platform (${trap.received() ?? 'signal'})...\n`,
  );
  // `service stop|start` from another terminal may have replaced pids: stop what the file says, too.
  const latest = await readState(paths.state);
  const current = latest !== undefined && latest !== 'corrupt' ? latest : started.state;
  const pids = new Set(current.instances.map((i) => i.pid));
  const leftovers = started.state.instances.filter((i) => !pids.has(i.pid));
  await stopRecorded(
    { ...current, instances: [...current.instances, ...leftovers] },
    { stopPostgres: true, home: paths.home },
  );
  await removeState(paths.state);
  trap.release();
  result.stoppedBy = trap.received();
  return result;
}
