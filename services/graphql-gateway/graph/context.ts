import type { Caller } from '../caller.js';

/** What every resolver of a query or mutation sees (besides Mercurius's own members). */
export interface GraphContext {
  /** The authenticated user, or null: only public fields resolve without one. */
  readonly caller: Caller | null;
}
