import { area } from '../suite.js';

export const risk = area('risk', [
  {
    id: 'E39',
    title: 'an over-notional order is rejected with the reason',
    missing: 'not written yet',
  },
  { id: 'E40', title: 'a restricted symbol is rejected', missing: 'not written yet' },
  {
    id: 'E41',
    title: 'concurrent orders cannot jointly breach a limit',
    missing: 'not written yet',
  },
  { id: 'E42', title: 'a trader cannot change limits (403)', missing: 'not written yet' },
  { id: 'E43', title: 'the kill switch stops new orders', missing: 'not written yet' },
]);
