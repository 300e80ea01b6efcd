import { defineErrors } from '../platform/index.js';

/** The notification service's error registry (codes are part of the public API). */
export const notificationErrors = defineErrors({
  ALP_NOTIFICATION_WEBHOOK_TARGET_REFUSED: {
    status: 422,
    message: 'webhook target refused: %s',
  },
});
