import type { FastifyInstance } from 'fastify';
import { createService, type BuildOptions, type ServiceDefinition } from '../platform/index.js';
import { configSchema, type Config } from './config.js';

export const definition: ServiceDefinition<typeof configSchema> = {
  name: 'user',
  schema: configSchema,
  capabilities: {
    implemented: ['platform kit: health, metrics, problem+json errors'],
    pending: ['profiles', 'roles', 'KYC workflow'],
  },
  routes: async () => {},
};

/** Builds the user service without listening (tests use `inject`). */
export function build(config: Config, options?: BuildOptions): Promise<FastifyInstance> {
  return createService(definition, config, options);
}
