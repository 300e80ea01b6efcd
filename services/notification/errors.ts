import { defineErrors } from '../platform/index.js';

/** The notification service's error registry (codes are part of the public API). */
export const notificationErrors = defineErrors({
  ALP_NOTIFICATION_WEBHOOK_TARGET_REFUSED: {
    status: 422,
    message: 'webhook target refused: %s',
  },
  ALP_NOTIFICATION_NOT_FOUND: { status: 404, message: 'notification not found' },
  ALP_NOTIFICATION_CURSOR_INVALID: {
    status: 400,
    message: 'the cursor is not one this service made',
  },
  ALP_NOTIFICATION_LAST_EVENT_ID_INVALID: {
    status: 400,
    message: 'Last-Event-ID must be the id of a notification this stream sent',
  },
  ALP_NOTIFICATION_TOO_MANY_STREAMS: {
    status: 429,
    message: 'at most %s notification streams may be open at once per user; close one first',
  },
  ALP_NOTIFICATION_STREAM_UNAVAILABLE: {
    status: 503,
    message: 'the live notification stream is unavailable right now; retry shortly',
  },
});
