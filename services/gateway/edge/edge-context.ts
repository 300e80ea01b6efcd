import type { ServiceName } from '../../catalog.js';

/** What the edge learned about a request before forwarding it. */
export interface EdgeContext {
  readonly service: ServiceName;
  readonly public: boolean;
  /** The verified JWT subject; undefined when anonymous (public path). */
  subject: string | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    edge: EdgeContext | null;
  }
}
