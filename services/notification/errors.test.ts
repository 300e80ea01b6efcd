import { expect, test } from 'vitest';
import { notificationErrors } from './errors.js';

test('the notification error registry is honest: ids equal keys, statuses and messages pinned', () => {
  const table = Object.entries(notificationErrors).map(([key, E]) => {
    const e = new E('x');
    return { key, code: e.code, status: e.statusCode, message: e.message };
  });
  expect(table).toEqual([
    {
      key: 'ALP_NOTIFICATION_WEBHOOK_TARGET_REFUSED',
      code: 'ALP_NOTIFICATION_WEBHOOK_TARGET_REFUSED',
      status: 422,
      message: 'webhook target refused: x',
    },
  ]);
});
