import { area } from '../suite.js';

export const graphql = area('graphql', [
  { id: 'E56', title: 'a query across two services', missing: 'not written yet' },
  { id: 'E57', title: 'a mutation placing an order', missing: 'not written yet' },
  { id: 'E58', title: 'a subscription receiving an order update', missing: 'not written yet' },
  { id: 'E59', title: 'the depth limit is enforced', missing: 'not written yet' },
  { id: 'E60', title: "another user's objects are invisible", missing: 'not written yet' },
]);
