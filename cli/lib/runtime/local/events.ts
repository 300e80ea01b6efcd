import type { ServiceName } from '../../../../services/catalog.js';

/** Steps of `up` before the services start. */
export type UpStep = 'keys' | 'postgres' | 'databases' | 'services';

/** Progress of `up`, reported as it happens (listr2 on a TTY, plain lines, or NDJSON). */
export type UpEvent =
  | { type: 'step'; step: UpStep; status: 'start' | 'done'; message: string }
  | { type: 'note'; message: string }
  | {
      type: 'instance';
      service: ServiceName;
      instance: string;
      status: 'waiting-deps' | 'starting' | 'waiting' | 'ready' | 'failed';
      message: string;
      elapsedMs: number;
    };

export type UpReporter = (event: UpEvent) => void;
