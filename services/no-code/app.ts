import type { FastifyInstance } from 'fastify';
import { createService, type BuildOptions, type ServiceDefinition } from '../platform/index.js';
import { configSchema, type Config } from './config.js';
import { compileWorkflowRoute } from './routes/compile-workflow.js';
import { componentsRoute } from './routes/components.js';
import { templatesRoutes } from './routes/templates.js';
import { validateWorkflowRoute } from './routes/validate-workflow.js';
import { workflowsRoutes } from './routes/workflows.js';

export const definition: ServiceDefinition<typeof configSchema> = {
  name: 'no-code',
  schema: configSchema,
  capabilities: {
    implemented: [
      'platform kit: health, metrics, problem+json errors',
      'GET /api/v1/workflows/components: component catalog (market data, SMA/EMA/RSI, crosses-above/below, greater-than, buy/sell, max position) with typed ports',
      'POST /api/v1/workflows/validate: unknown components, invalid configs, dangling edges, unknown ports, port type mismatches, inputs fed twice, missing required inputs, cycles',
      'POST /api/v1/workflows/compile: the sma-crossover shape into a strategy definition',
      'GET /api/v1/workflows/templates, POST /api/v1/workflows/templates/:id/instantiate: the sma-crossover template, instantiated into a workflow (not stored)',
      "POST /api/v1/workflows, GET /api/v1/workflows/:id: the caller's valid workflows, stored (authenticated; another user's is 404)",
    ],
    pending: [
      'listing, editing and deleting stored workflows',
      'templates other than sma-crossover',
      'compiling shapes other than sma-crossover (EMA, RSI and greater-than validate but do not compile)',
      'handing compiled definitions to the strategy service (compile checks them locally with the same ranges)',
    ],
  },
  routes: async (app) => {
    await app.register(componentsRoute);
    await app.register(validateWorkflowRoute);
    await app.register(compileWorkflowRoute);
    await app.register(templatesRoutes);
    await app.register(workflowsRoutes);
  },
};

/** Builds the no-code service without listening (tests use `inject`). */
export function build(config: Config, options?: BuildOptions): Promise<FastifyInstance> {
  return createService(definition, config, options);
}
