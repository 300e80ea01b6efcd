import { area } from '../suite.js';

export const tokenAttacks = area('token-attacks', [
  { id: 'E15', title: 'alg none is refused', missing: 'not written yet' },
  { id: 'E16', title: 'RS256 to HS256 key confusion is refused', missing: 'not written yet' },
  { id: 'E17', title: 'a tampered signature is refused', missing: 'not written yet' },
  { id: 'E18', title: 'an expired token is refused', missing: 'not written yet' },
  { id: 'E19', title: 'a wrong audience is refused', missing: 'not written yet' },
  { id: 'E20', title: 'a hostile kid is refused', missing: 'not written yet' },
]);
