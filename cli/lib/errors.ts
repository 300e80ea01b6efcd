import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/**
 * The three kinds of CLI error (CONVENTIONS.md "Errors"). Library code throws these; only
 * the base command renders them and picks the exit code, so that every command fails the
 * same way.
 */

export interface UserErrorOptions {
  /** Suggested next steps, each one actionable ("use --port-base 5000"). */
  suggestions?: readonly string[];
  /** Exit code kind: a usage mistake (2) or an unmet precondition (3). Default precondition. */
  exit?: 'usage' | 'precondition' | 'failed';
  /** Several problems reported together (e.g. every invalid flag at once). */
  problems?: readonly string[];
  cause?: unknown;
}

/** An expected, actionable error: the user can fix it. */
export class UserError extends Error {
  override readonly name = 'UserError';
  readonly code: string;
  readonly suggestions: readonly string[];
  readonly problems: readonly string[];
  readonly exitCode: ExitCodeValue;

  constructor(code: string, message: string, options: UserErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.suggestions = options.suggestions ?? [];
    this.problems = options.problems ?? [];
    this.exitCode = ExitCode[options.exit ?? 'precondition'];
  }
}

export interface ExternalErrorOptions {
  /** The command line or URL that failed. */
  target: string;
  /** Exit code of the external command, or HTTP status. */
  status?: number | string;
  /** The last lines of its output. */
  outputTail?: readonly string[];
  suggestions?: readonly string[];
  /** Failures of things we started (a crashed service) are operation failures (1). */
  exit?: 'failed' | 'precondition';
  cause?: unknown;
}

/** Something outside alphintra failed: a tool, a server, a child process. */
export class ExternalError extends Error {
  override readonly name = 'ExternalError';
  readonly code: string;
  readonly target: string;
  readonly status: number | string | undefined;
  readonly outputTail: readonly string[];
  readonly suggestions: readonly string[];
  readonly exitCode: ExitCodeValue;

  constructor(code: string, message: string, options: ExternalErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.target = options.target;
    this.status = options.status;
    this.outputTail = options.outputTail ?? [];
    this.suggestions = options.suggestions ?? [];
    this.exitCode = ExitCode[options.exit ?? 'failed'];
  }
}

/** What every error becomes before it is rendered as text or as a JSON envelope. */
export interface ErrorReport {
  kind: 'user' | 'external' | 'usage' | 'bug';
  code: string;
  message: string;
  suggestions: string[];
  problems?: string[];
  target?: string;
  status?: number | string;
  outputTail?: string[];
  /** Only with --verbose, and only for bugs (and causes). */
  stack?: string;
  exitCode: ExitCodeValue;
}

/** oclif's own parse errors (unknown flag, missing argument) carry a `parse` property. */
function isOclifParseError(err: unknown): err is Error {
  return err instanceof Error && 'parse' in err && 'oclif' in err;
}

/** oclif's ExitError (`this.exit(n)`) is not an error to report. */
export function isOclifExit(err: unknown): err is Error & { oclif: { exit: number } } {
  return err instanceof Error && (err as { code?: unknown }).code === 'EEXIT';
}

/** Maps anything thrown to the one report shape; unknown errors are bugs. */
export function toErrorReport(err: unknown, verbose: boolean): ErrorReport {
  if (err instanceof UserError) {
    return {
      kind: err.exitCode === ExitCode.usage ? 'usage' : 'user',
      code: err.code,
      message: err.message,
      suggestions: [...err.suggestions],
      ...(err.problems.length > 0 ? { problems: [...err.problems] } : {}),
      ...(verbose && err.stack ? { stack: err.stack } : {}),
      exitCode: err.exitCode,
    };
  }
  if (err instanceof ExternalError) {
    return {
      kind: 'external',
      code: err.code,
      message: err.message,
      suggestions: [...err.suggestions],
      target: err.target,
      ...(err.status === undefined ? {} : { status: err.status }),
      outputTail: [...err.outputTail],
      ...(verbose && err.stack ? { stack: err.stack } : {}),
      exitCode: err.exitCode,
    };
  }
  if (isOclifParseError(err)) {
    return {
      kind: 'usage',
      code: 'ALP_CLI_USAGE',
      message: err.message,
      suggestions: ['see --help for the flags and examples of this command'],
      exitCode: ExitCode.usage,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    kind: 'bug',
    code: 'ALP_CLI_INTERNAL',
    message: `internal error: ${message}`,
    suggestions: verbose
      ? ['this is a bug in alphintra; please report it with the stack above']
      : ['run again with --verbose to see the stack, and report it'],
    ...(verbose && err instanceof Error && err.stack ? { stack: err.stack } : {}),
    exitCode: ExitCode.internal,
  };
}
