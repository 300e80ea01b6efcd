import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { platformErrors, type ProblemExtras } from '../errors.js';

/** RFC 9457 problem document, plus our stable `code` and the request id. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance: string;
  readonly code: string;
  readonly requestId: string;
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Maps Fastify's own errors onto our registry so clients only ever see `ALP_*` codes. */
function normalise(error: FastifyError): { status: number; code: string; detail: string } {
  if (error.code?.startsWith('ALP_') && error.statusCode) {
    return { status: error.statusCode, code: error.code, detail: error.message };
  }
  if (error.validation) {
    return { status: 400, code: 'ALP_REQUEST_INVALID', detail: error.message };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'ALP_REQUEST_TOO_LARGE', detail: error.message };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'ALP_REQUEST_UNSUPPORTED_MEDIA', detail: error.message };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, code: 'ALP_REQUEST_INVALID', detail: error.message };
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return { status, code: 'ALP_REQUEST_INVALID', detail: error.message };
  }
  return {
    status: 500,
    code: 'ALP_PLATFORM_INTERNAL',
    detail: new platformErrors.ALP_PLATFORM_INTERNAL().message,
  };
}

/** Builds a problem document for a request (also used by the gateway for its own errors). */
export function problemFor(
  request: FastifyRequest,
  status: number,
  code: string,
  detail: string,
  extras: ProblemExtras = {},
): Problem {
  return {
    type: `https://alphintra.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: titles[status] ?? 'Error',
    status,
    detail,
    instance: request.url,
    code,
    requestId: String(request.id),
    ...extras,
  };
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/**
 * Renders every error as problem+json. Known errors keep their status and message; unknown
 * ones are logged with their stack and answered with a generic 500 that leaks nothing.
 */
export const problemPlugin = fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const { status, code, detail } = normalise(error);
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      const extras = (error as { extras?: ProblemExtras }).extras ?? {};
      const headers = (error as { headers?: Record<string, string> }).headers;
      if (headers) reply.headers(headers);
      return sendProblem(reply, problemFor(request, status, code, detail, extras));
    });
    app.setNotFoundHandler((request, reply) => {
      const err = new platformErrors.ALP_REQUEST_NOT_FOUND(
        request.method,
        request.url.split('?')[0],
      );
      return sendProblem(reply, problemFor(request, 404, err.code, err.message));
    });
  },
  { name: 'alphintra-problem', fastify: '5.x' },
);
