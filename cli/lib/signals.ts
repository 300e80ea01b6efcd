/** The signals that mean "stop": Ctrl-C, `kill`, and a closed terminal. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface SignalTrap {
  /** Aborted on the first stop signal, with the signal's name as its reason. */
  readonly signal: AbortSignal;
  /** The first stop signal received, or null. */
  received(): NodeJS.Signals | null;
  /** Gives the signals back to Node's default handlers. */
  release(): void;
}

/**
 * Turns the stop signals into an AbortSignal for as long as a command runs, so that it can
 * stop what it started and report what it has instead of dying mid-way.
 */
export function trapSignals(): SignalTrap {
  const controller = new AbortController();
  // The first signal stays the reason: abort() on an aborted signal does nothing.
  const handler = (sig: NodeJS.Signals): void => controller.abort(sig);
  for (const s of STOP_SIGNALS) process.on(s, handler);
  return {
    signal: controller.signal,
    received: () =>
      controller.signal.aborted ? (controller.signal.reason as NodeJS.Signals) : null,
    release: () => {
      for (const s of STOP_SIGNALS) process.off(s, handler);
    },
  };
}

/** Resolves once `signal` is aborted (at once if it already is). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
