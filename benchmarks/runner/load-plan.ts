import type { RefusalCheck } from '../scenarios/scenario.js';

/** One load run against one URL, independent of how the load is generated. */
export interface LoadPlan {
  /** Name of what is measured (a service name), carried into the stats. */
  readonly target: string;
  /** Base URL, e.g. http://127.0.0.1:4000 */
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** Headers sent with every request (authorization, content-type). */
  readonly headers: Readonly<Record<string, string>>;
  /** A fresh JSON body per request, when the request has one. */
  readonly body?: () => unknown;
  /** Extra headers per request (a unique Idempotency-Key, the next bench user's token). */
  readonly perRequestHeaders?: () => Record<string, string>;
  /** Judges each 2xx answer's body; only then are bodies parsed (it costs the generator CPU). */
  readonly refusal?: RefusalCheck;
  readonly connections: number;
  readonly durationS: number;
  /** Stops the run early (the bench was interrupted); its stats are then partial. */
  readonly signal?: AbortSignal;
}
