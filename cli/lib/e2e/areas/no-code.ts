import { area } from '../suite.js';

export const noCode = area('no-code', [
  { id: 'E48', title: 'create a workflow', missing: 'not written yet' },
  { id: 'E49', title: 'a cycle is rejected with the offending nodes', missing: 'not written yet' },
  { id: 'E50', title: 'compile produces a strategy', missing: 'not written yet' },
  { id: 'E51', title: 'template instantiation', missing: 'not written yet' },
]);
