import type { Writable } from 'node:stream';

const installed = Symbol.for('alphintra.tolerateBrokenPipes');
const gone = new WeakMap<Writable, AbortController>();

/**
 * Aborted once the stream's reader is gone (seen at the first write that fails). A follower
 * such as `logs --follow` stops then, as `tail -f | head` does.
 */
export function readerGone(stream: Writable = process.stdout): AbortSignal {
  let controller = gone.get(stream);
  if (!controller) gone.set(stream, (controller = new AbortController()));
  return controller.signal;
}

/**
 * Errors that only say the reader is gone: EPIPE (a pipe), EIO (a terminal that hung up, as
 * when its window is closed: `up` then gets SIGHUP and stops the platform, writing as it goes),
 * and writes to the stream after either.
 */
export function isBrokenPipe(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'EIO' || code === 'ERR_STREAM_DESTROYED';
}

/**
 * A reader that goes away (`alphintra up 2>&1 | head -3`) must not crash the CLI half-way
 * through its work: without a listener, Node turns the stream's EPIPE into an uncaught
 * exception, and an `up` died between starting PostgreSQL and its services, leaving a
 * half-started platform. From the first broken pipe on, what the stream would have shown is
 * dropped and the command goes on (a foreground `up` until Ctrl-C or a hang-up, as before;
 * followers stop: see readerGone); the platform's own logs are in files, not in this output.
 * Any other stream error is still thrown.
 */
export function tolerateBrokenPipes(
  streams: readonly Writable[] = [process.stdout, process.stderr],
): void {
  for (const stream of streams) {
    const marked = stream as Writable & { [installed]?: true };
    if (marked[installed]) continue;
    marked[installed] = true;
    // Listeners already there get every other error, as before; they do not see broken pipes
    // (@oclif/core's own one lets EPIPE pass on stdout but throws EIO).
    const earlier = stream.listeners('error') as ((err: Error) => void)[];
    stream.removeAllListeners('error');
    stream.on('error', (err) => {
      if (isBrokenPipe(err)) {
        const controller = gone.get(stream);
        if (controller && !controller.signal.aborted) controller.abort(err);
        return;
      }
      if (earlier.length === 0) throw err;
      for (const listener of earlier) listener.call(stream, err);
    });
  }
}
