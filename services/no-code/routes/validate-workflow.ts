import type { FastifyPluginAsync } from 'fastify';
import { validateWorkflow } from '../domain/validate-workflow.js';
import { WorkflowSchema, type Workflow } from '../domain/workflow.js';
import { invalidWorkflow } from './invalid-workflow.js';

/** `POST /api/v1/workflows/validate`: 200 `{valid:true}` or 400 with every finding. */
export const validateWorkflowRoute: FastifyPluginAsync = async (app) => {
  app.post<{ Body: Workflow }>(
    '/api/v1/workflows/validate',
    { preValidation: app.authenticate, schema: { body: WorkflowSchema } },
    async (request) => {
      const result = validateWorkflow(request.body);
      if (!result.valid) throw invalidWorkflow(result.findings);
      return { valid: true };
    },
  );
};
