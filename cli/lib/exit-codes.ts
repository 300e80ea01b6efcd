/**
 * The one exit-code table shared by every command (ARCHITECTURE.md §6). Nothing else in
 * the CLI picks a numeric exit code.
 */
export const ExitCode = {
  /** The command did what was asked. */
  ok: 0,
  /** The operation ran and failed (a service crashed, checks failed, an SLO was breached, it was interrupted). */
  failed: 1,
  /** The command line was wrong (unknown flag, bad argument). */
  usage: 2,
  /** A precondition was not met: port taken, invalid config, tool missing, nothing to act on. */
  precondition: 3,
  /** A bug in alphintra itself. */
  internal: 10,
} as const;

export type ExitCodeName = keyof typeof ExitCode;
export type ExitCodeValue = (typeof ExitCode)[ExitCodeName];
