import type { FastifyInstance } from 'fastify';
import { createService, type BuildOptions, type ServiceDefinition } from '../platform/index.js';
import { configSchema, type Config } from './config.js';

export const definition: ServiceDefinition<typeof configSchema> = {
  name: 'no-code',
  schema: configSchema,
  capabilities: {
    implemented: ['platform kit: health, metrics, problem+json errors'],
    pending: ['workflows', 'validation', 'compilation into strategies'],
  },
  routes: async () => {},
};

/** Builds the no-code service without listening (tests use `inject`). */
export function build(config: Config, options?: BuildOptions): Promise<FastifyInstance> {
  return createService(definition, config, options);
}
