import { defineErrors } from '../platform/index.js';

export const userErrors = defineErrors({
  // Also the answer for another user's existing profile: 404, never 403, so ids cannot be probed.
  ALP_USER_NOT_FOUND: { status: 404, message: 'no such user' },
  ALP_USER_TIMEZONE_UNKNOWN: {
    status: 400,
    message: 'unknown time zone %s: use an IANA name such as Europe/London',
  },
  ALP_USER_KYC_TRANSITION_INVALID: {
    status: 409,
    message: 'KYC status cannot change from %s to %s',
  },
});
