import { defineErrors } from '../../platform/errors.js';

/** Errors the gateway makes itself (rendered as problem+json by the platform handler). */
export const gatewayErrors = defineErrors({
  ALP_GATEWAY_CIRCUIT_OPEN: { status: 503, message: 'upstream %s is unavailable (circuit open)' },
  ALP_GATEWAY_UPSTREAM_TIMEOUT: { status: 504, message: 'upstream %s did not answer in time' },
  ALP_GATEWAY_UPSTREAM_UNAVAILABLE: { status: 503, message: 'no instance of %s is available' },
  ALP_GATEWAY_UPSTREAM_FAILED: { status: 502, message: 'upstream %s failed to answer' },
  ALP_GATEWAY_RATE_LIMITED: { status: 429, message: 'rate limit exceeded, retry later' },
});

export type GatewayErrorCode = keyof typeof gatewayErrors;

/** A gateway error carrying Retry-After (seconds) for the wiring to set as a header. */
export function gatewayError(
  code: GatewayErrorCode,
  arg: string | undefined,
  retryAfterSec?: number,
): Error & { code: GatewayErrorCode; statusCode: number; retryAfterSec?: number } {
  const err = arg === undefined ? new gatewayErrors[code]() : new gatewayErrors[code](arg);
  return Object.assign(err, retryAfterSec === undefined ? {} : { retryAfterSec }) as Error & {
    code: GatewayErrorCode;
    statusCode: number;
    retryAfterSec?: number;
  };
}
