import { area } from '../suite.js';

export const resilience = area('resilience', [
  {
    id: 'E61',
    title: 'the 101st request in a minute answers 429 with Retry-After',
    missing: 'not written yet',
  },
  {
    id: 'E62',
    title: 'a stopped service trips its breaker (fast 503, no hang)',
    missing: 'not written yet',
  },
  { id: 'E63', title: 'the breaker closes after a restart', missing: 'not written yet' },
  {
    id: 'E64',
    title: 'a retried order with the same key never duplicates',
    missing: 'not written yet',
  },
]);
