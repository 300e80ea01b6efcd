import { area } from '../suite.js';

export const observability = area('observability', [
  {
    id: 'E65',
    title: 'a request id comes back and appears in the logs of every hop',
    missing: 'not written yet',
  },
  {
    id: 'E66',
    title: 'one trace spans gateway, trading, risk and broker',
    missing: 'not written yet',
  },
  { id: 'E67', title: 'the audit trail of an order verifies', missing: 'not written yet' },
]);
