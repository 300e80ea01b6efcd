import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { uuidv7 } from '../../platform/ids.js';
import { validateWorkflow } from '../domain/validate-workflow.js';
import { WorkflowSchema } from '../domain/workflow.js';
import { workflowErrors } from '../errors.js';
import { findWorkflow, insertWorkflow } from '../store/workflows.js';
import { invalidWorkflow } from './invalid-workflow.js';

const createBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }), workflow: WorkflowSchema },
  { additionalProperties: false },
);
const idParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/**
 * The caller's workflows: `POST /api/v1/workflows` stores a valid workflow (an invalid one
 * is refused with every finding, as /validate does); `GET /api/v1/workflows/:id` reads it.
 * Another user's workflow is 404, whether or not it exists.
 */
export const workflowsRoutes: FastifyPluginAsync = async (app) => {
  const authenticated = { preValidation: app.authenticate };

  app.post<{ Body: Static<typeof createBody> }>(
    '/api/v1/workflows',
    { ...authenticated, schema: { body: createBody } },
    async (request, reply) => {
      const checked = validateWorkflow(request.body.workflow);
      if (!checked.valid) throw invalidWorkflow(checked.findings);
      const stored = await insertWorkflow(app.pg, {
        id: uuidv7(),
        ownerId: request.user!.id,
        name: request.body.name,
        workflow: request.body.workflow,
      });
      return reply.code(201).header('location', `/api/v1/workflows/${stored.id}`).send(stored);
    },
  );

  app.get<{ Params: Static<typeof idParams> }>(
    '/api/v1/workflows/:id',
    { ...authenticated, schema: { params: idParams } },
    async (request) => {
      const stored = await findWorkflow(app.pg, request.user!.id, request.params.id);
      if (!stored) throw new workflowErrors.ALP_WORKFLOW_NOT_FOUND();
      return stored;
    },
  );
};
