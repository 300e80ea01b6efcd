import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { withExtras } from '../../platform/index.js';
import { instantiateTemplate, TEMPLATES } from '../domain/templates.js';
import { workflowErrors } from '../errors.js';

// The parameters are checked against the template's own schema in the handler, so that
// every problem is listed (Ajv at the envelope would name only the first).
const body = Type.Object({ parameters: Type.Unknown() }, { additionalProperties: false });
const idParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/**
 * `GET /api/v1/workflows/templates`: the templates with their parameters' JSON Schema.
 * `POST /api/v1/workflows/templates/:id/instantiate`: the template's workflow for the given
 * parameters (a workflow the client may edit, validate and compile; nothing is stored).
 */
export const templatesRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/v1/workflows/templates', { preValidation: app.authenticate }, async () => ({
    templates: TEMPLATES.map(({ id, title, description, parameters }) => ({
      id,
      title,
      description,
      parameters,
    })),
  }));

  app.post<{ Params: Static<typeof idParams>; Body: Static<typeof body> }>(
    '/api/v1/workflows/templates/:id/instantiate',
    { preValidation: app.authenticate, schema: { params: idParams, body } },
    async (request) => {
      const template = TEMPLATES.find((t) => t.id === request.params.id);
      if (!template) {
        throw withExtras(
          new workflowErrors.ALP_WORKFLOW_TEMPLATE_NOT_FOUND(JSON.stringify(request.params.id)),
          { knownTemplates: TEMPLATES.map((t) => t.id) },
        );
      }
      const result = instantiateTemplate(template, request.body.parameters);
      if (!result.ok) {
        const summary = result.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
        throw withExtras(new workflowErrors.ALP_WORKFLOW_TEMPLATE_PARAMETERS_INVALID(summary), {
          problems: result.problems,
        });
      }
      return { template: template.id, workflow: result.workflow };
    },
  );
};
