import type { FastifyPluginAsync } from 'fastify';
import { withExtras } from '../../platform/index.js';
import { compileWorkflow, SMA_CROSSOVER_SHAPE } from '../domain/compile-workflow.js';
import { WorkflowSchema, type Workflow } from '../domain/workflow.js';
import { workflowErrors } from '../errors.js';
import { invalidWorkflow } from './invalid-workflow.js';

/**
 * `POST /api/v1/workflows/compile`: 200 with the strategy definition, 400 when the workflow
 * is invalid, 422 when it is valid but has a shape no strategy type implements.
 */
export const compileWorkflowRoute: FastifyPluginAsync = async (app) => {
  app.post<{ Body: Workflow }>(
    '/api/v1/workflows/compile',
    { preValidation: app.authenticate, schema: { body: WorkflowSchema } },
    async (request) => {
      const result = compileWorkflow(request.body);
      if (result.ok) return result.strategy;
      if ('findings' in result) throw invalidWorkflow(result.findings);
      throw withExtras(
        new workflowErrors.ALP_WORKFLOW_NOT_COMPILABLE(result.unsupported.join('; ')),
        { problems: result.unsupported, expectedShape: SMA_CROSSOVER_SHAPE },
      );
    },
  );
};
