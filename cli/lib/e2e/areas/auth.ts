import { area } from '../suite.js';

export const auth = area('auth', [
  { id: 'E07', title: 'register', missing: 'not written yet' },
  { id: 'E08', title: 'a duplicate email answers 409', missing: 'not written yet' },
  { id: 'E09', title: 'a weak password answers 400', missing: 'not written yet' },
  { id: 'E10', title: 'login', missing: 'not written yet' },
  {
    id: 'E11',
    title: 'a wrong password answers 401 with a generic message',
    missing: 'not written yet',
  },
  { id: 'E12', title: 'refresh rotates the refresh token', missing: 'not written yet' },
  { id: 'E13', title: 'a reused refresh token revokes the family', missing: 'not written yet' },
  { id: 'E14', title: 'logout revokes the session', missing: 'not written yet' },
]);
