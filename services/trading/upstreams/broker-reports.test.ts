import { expect, test } from 'vitest';
import { brokerReports } from './broker-reports.js';

const fill = { execId: 'c/1', quantity: '2', price: '10.5', fee: '0.01' };

test.each([
  [
    'filled market order',
    { clientOrderId: 'c', status: 'filled', fills: [fill] },
    false,
    [{ kind: 'accepted' }, { kind: 'fill', ...fill }],
  ],
  [
    'resting limit order',
    { clientOrderId: 'c', status: 'working', fills: [] },
    false,
    [{ kind: 'accepted' }],
  ],
  [
    'broker rejection keeps its code',
    { clientOrderId: 'c', status: 'rejected', code: 'ALP_BROKER_X' },
    false,
    [{ kind: 'rejected', reason: 'ALP_BROKER_X' }],
  ],
  [
    'rejection without a code',
    { clientOrderId: 'c', status: 'REJECTED' },
    false,
    [{ kind: 'rejected', reason: 'ALP_ORDERS_BROKER_REFUSED' }],
  ],
  [
    'canceled after a partial fill',
    { clientOrderId: 'c', status: 'canceled', fills: [fill] },
    true,
    [
      { kind: 'accepted' },
      { kind: 'fill', ...fill },
      { kind: 'canceled', reason: 'canceled by the broker' },
    ],
  ],
  [
    'cancel answered with a live order: too late',
    { clientOrderId: 'c', status: 'working', fills: [] },
    true,
    [{ kind: 'accepted' }, { kind: 'cancel-rejected', reason: 'the broker kept the order' }],
  ],
  [
    'cancel answered with a filled order: the fill won',
    { clientOrderId: 'c', status: 'filled', fills: [fill] },
    true,
    [{ kind: 'accepted' }, { kind: 'fill', ...fill }],
  ],
  [
    'expired',
    { clientOrderId: 'c', status: 'expired' },
    false,
    [{ kind: 'accepted' }, { kind: 'expired' }],
  ],
])('%s', (_name, answer, afterCancel, expected) => {
  expect(brokerReports(answer, afterCancel)).toEqual(expected);
});
