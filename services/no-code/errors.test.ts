import { expect, test } from 'vitest';
import { workflowErrors } from './errors.js';

test('the workflow error registry is honest: ids equal keys, statuses and messages pinned', () => {
  const table = Object.entries(workflowErrors).map(([key, E]) => {
    const e = new E('x');
    return { key, code: e.code, status: e.statusCode, message: e.message };
  });
  expect(table).toEqual([
    {
      key: 'ALP_WORKFLOW_INVALID',
      code: 'ALP_WORKFLOW_INVALID',
      status: 400,
      message: 'workflow is invalid: x',
    },
    {
      key: 'ALP_WORKFLOW_NOT_COMPILABLE',
      code: 'ALP_WORKFLOW_NOT_COMPILABLE',
      status: 422,
      message: 'workflow is valid but cannot be compiled into a strategy: x',
    },
    {
      key: 'ALP_WORKFLOW_NOT_FOUND',
      code: 'ALP_WORKFLOW_NOT_FOUND',
      status: 404,
      message: 'no such workflow x',
    },
    {
      key: 'ALP_WORKFLOW_TEMPLATE_NOT_FOUND',
      code: 'ALP_WORKFLOW_TEMPLATE_NOT_FOUND',
      status: 404,
      message: 'no workflow template x',
    },
    {
      key: 'ALP_WORKFLOW_TEMPLATE_PARAMETERS_INVALID',
      code: 'ALP_WORKFLOW_TEMPLATE_PARAMETERS_INVALID',
      status: 400,
      message: 'template parameters are invalid: x',
    },
  ]);
});
