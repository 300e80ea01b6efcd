import { area } from '../suite.js';

export const trading = area('trading', [
  { id: 'E29', title: 'a market order fills', missing: 'not written yet' },
  { id: 'E30', title: 'a limit order rests', missing: 'not written yet' },
  { id: 'E31', title: 'cancel', missing: 'not written yet' },
  { id: 'E32', title: 'cancel of a filled order answers 409', missing: 'not written yet' },
  { id: 'E33', title: 'an idempotent replay', missing: 'not written yet' },
  {
    id: 'E34',
    title: 'the same key with a different body answers 422',
    missing: 'not written yet',
  },
  { id: 'E35', title: 'a missing idempotency key answers 400', missing: 'not written yet' },
  { id: 'E36', title: 'numbers as JSON floats are rejected', missing: 'not written yet' },
  { id: 'E37', title: 'the position is updated after a fill', missing: 'not written yet' },
  { id: 'E38', title: "another user's order is 404", missing: 'not written yet' },
]);
