import createError, { type FastifyErrorConstructor } from '@fastify/error';

export interface ErrorDefinition {
  readonly status: number;
  /** Message template; `%s` placeholders take the constructor's arguments. */
  readonly message: string;
}

export type ErrorRegistry<T extends Record<string, ErrorDefinition>> = {
  readonly [K in keyof T]: FastifyErrorConstructor<{ code: K & string; statusCode: number }>;
};

/**
 * Declares one area's errors. Keys are the stable codes (`ALP_<AREA>_<WHAT>`); the problem+json
 * handler renders any error whose code starts with `ALP_` with its status and message.
 */
export function defineErrors<const T extends Record<string, ErrorDefinition>>(
  defs: T,
): ErrorRegistry<T> {
  const out: Record<string, unknown> = {};
  for (const [code, def] of Object.entries(defs)) {
    if (!/^ALP_[A-Z0-9]+_[A-Z0-9_]+$/.test(code)) throw new Error(`bad error code ${code}`);
    out[code] = createError(code, def.message, def.status);
  }
  return out as ErrorRegistry<T>;
}

/** Extra, machine-readable members of a problem document (RFC 9457 extension members). */
export interface ProblemExtras {
  readonly [key: string]: unknown;
}

/** Attaches extension members to an error so the problem+json handler includes them. */
export function withExtras<E extends Error>(error: E, extras: ProblemExtras): E {
  return Object.assign(error, { extras });
}

export const platformErrors = defineErrors({
  ALP_PLATFORM_CONFIG_INVALID: { status: 500, message: 'invalid configuration: %s' },
  ALP_PLATFORM_MIGRATION_CHANGED: {
    status: 500,
    message: 'migration %s was changed after it was applied (checksum differs)',
  },
  ALP_PLATFORM_MIGRATION_FAILED: { status: 500, message: 'migration %s failed: %s' },
  ALP_REQUEST_INVALID: { status: 400, message: 'request is invalid: %s' },
  ALP_REQUEST_NOT_FOUND: { status: 404, message: 'no route for %s %s' },
  ALP_REQUEST_TOO_LARGE: { status: 413, message: 'request body is larger than %s bytes' },
  ALP_REQUEST_UNSUPPORTED_MEDIA: { status: 415, message: 'unsupported content type %s' },
  ALP_PLATFORM_INTERNAL: { status: 500, message: 'internal error' },
  ALP_PLATFORM_UNAVAILABLE: { status: 503, message: 'service unavailable: %s' },
  ALP_PLATFORM_OVERLOADED: { status: 503, message: 'service is overloaded, retry later' },
});

/** Thrown by config parsing (outside any request); carries every problem found. */
export class ConfigError extends Error {
  readonly code = 'ALP_PLATFORM_CONFIG_INVALID';
  constructor(
    readonly problems: readonly { key: string; message: string }[],
    readonly service?: string,
  ) {
    super(
      `invalid configuration${service ? ` for ${service}` : ''}: ` +
        problems.map((p) => `${p.key}: ${p.message}`).join('; '),
    );
  }
}
