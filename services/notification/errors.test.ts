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
    {
      key: 'ALP_NOTIFICATION_NOT_FOUND',
      code: 'ALP_NOTIFICATION_NOT_FOUND',
      status: 404,
      message: 'notification not found x',
    },
    {
      key: 'ALP_NOTIFICATION_CURSOR_INVALID',
      code: 'ALP_NOTIFICATION_CURSOR_INVALID',
      status: 400,
      message: 'the cursor is not one this service made x',
    },
    {
      key: 'ALP_NOTIFICATION_LAST_EVENT_ID_INVALID',
      code: 'ALP_NOTIFICATION_LAST_EVENT_ID_INVALID',
      status: 400,
      message: 'Last-Event-ID must be the id of a notification this stream sent x',
    },
    {
      key: 'ALP_NOTIFICATION_TOO_MANY_STREAMS',
      code: 'ALP_NOTIFICATION_TOO_MANY_STREAMS',
      status: 429,
      message: 'at most x notification streams may be open at once per user; close one first',
    },
    {
      key: 'ALP_NOTIFICATION_STREAM_UNAVAILABLE',
      code: 'ALP_NOTIFICATION_STREAM_UNAVAILABLE',
      status: 503,
      message: 'the live notification stream is unavailable right now; retry shortly x',
    },
  ]);
});
