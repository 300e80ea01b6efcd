import type { ErrorReport } from '../errors.js';

/** Version of the machine interface; bumped only on a breaking change of an envelope. */
export const API_VERSION = 'alphintra/v1';

export interface SuccessEnvelope<T> {
  apiVersion: typeof API_VERSION;
  ok: true;
  command: string;
  data: T;
}

export interface ErrorEnvelope {
  apiVersion: typeof API_VERSION;
  ok: false;
  command: string;
  error: {
    code: string;
    kind: ErrorReport['kind'];
    message: string;
    suggestions: string[];
    problems?: string[];
    target?: string;
    status?: number | string;
    outputTail?: string[];
    stack?: string;
  };
}

export function successEnvelope<T>(command: string, data: T): SuccessEnvelope<T> {
  return { apiVersion: API_VERSION, ok: true, command, data };
}

export function errorEnvelope(command: string, report: ErrorReport): ErrorEnvelope {
  const { exitCode: _exitCode, ...error } = report;
  return { apiVersion: API_VERSION, ok: false, command, error };
}
