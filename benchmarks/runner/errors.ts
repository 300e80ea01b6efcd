/** Error codes of `alphintra bench`, one registry (CONVENTIONS.md "Errors"). */
export const BENCH_ERRORS = {
  ALP_BENCH_PLATFORM_NOT_RUNNING: 'no running platform recorded in ALPHINTRA_HOME',
  ALP_BENCH_TARGET_NOT_RUNNING: 'a scenario targets a service with no running instance',
  ALP_BENCH_UNKNOWN_SCENARIO: 'a scenario id that the registry does not know',
  ALP_BENCH_SETUP_FAILED: 'registering, logging in or funding the bench user failed',
  ALP_BENCH_RATE_LIMIT_TOO_LOW: "the gateway's rate limit would refuse most bench requests",
  ALP_BENCH_ORDER_RATE_TOO_LOW: "risk's per-user order rate would reject most bench orders",
  ALP_BENCH_INVALID_OPTION: 'a flag value out of range',
  ALP_BENCH_CALIBRATION_FAILED:
    "the machine's calibration skeleton did not start or did not answer",
} as const;

export type BenchErrorCode = keyof typeof BENCH_ERRORS;
