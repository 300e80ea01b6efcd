import { area } from '../suite.js';

export const users = area('users', [
  { id: 'E21', title: 'read and update the own profile', missing: 'not written yet' },
  { id: 'E22', title: 'privileged fields cannot be mass-assigned', missing: 'not written yet' },
  { id: 'E23', title: "another user's profile is 404", missing: 'not written yet' },
  { id: 'E24', title: 'an admin-only route is 403 for a trader', missing: 'not written yet' },
]);
