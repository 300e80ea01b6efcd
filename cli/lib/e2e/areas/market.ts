import { area } from '../suite.js';

export const market = area('market', [
  { id: 'E25', title: 'quotes', missing: 'not written yet' },
  { id: 'E26', title: 'candles', missing: 'not written yet' },
  { id: 'E27', title: 'paper balance after a deposit', missing: 'not written yet' },
  { id: 'E28', title: 'an unknown symbol answers 400', missing: 'not written yet' },
]);
