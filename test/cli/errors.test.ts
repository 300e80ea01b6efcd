import { Chalk } from 'chalk';
import { describe, expect, test } from 'vitest';
import { ExternalError, toErrorReport, UserError } from '../../cli/lib/errors.js';
import { ExitCode } from '../../cli/lib/exit-codes.js';
import { errorEnvelope, successEnvelope } from '../../cli/lib/output/envelope.js';
import { renderError } from '../../cli/lib/output/render-error.js';

const plain = new Chalk({ level: 0 });

describe('exit-code table', () => {
  test('has exactly the codes of ARCHITECTURE.md §6', () => {
    expect(ExitCode).toEqual({ ok: 0, failed: 1, usage: 2, precondition: 3, internal: 10 });
  });
});

describe('toErrorReport', () => {
  test('a user error keeps code, suggestions and problems; precondition by default', () => {
    const err = new UserError('ALP_CONFIG_INVALID', 'bad', {
      problems: ['a', 'b'],
      suggestions: ['fix it'],
    });
    expect(toErrorReport(err, false)).toEqual({
      kind: 'user',
      code: 'ALP_CONFIG_INVALID',
      message: 'bad',
      suggestions: ['fix it'],
      problems: ['a', 'b'],
      exitCode: 3,
    });
  });

  test.each([
    ['usage', 2, 'usage'],
    ['failed', 1, 'user'],
    ['precondition', 3, 'user'],
  ] as const)('a user error with exit %s exits %i', (exit, code, kind) => {
    const report = toErrorReport(new UserError('ALP_X_Y', 'm', { exit }), false);
    expect([report.exitCode, report.kind]).toEqual([code, kind]);
  });

  test('an external error carries target, status and the output tail; exit 1 by default', () => {
    const err = new ExternalError('ALP_RUNTIME_SERVICE_CRASHED', 'risk-0 exited (1)', {
      target: 'node dist/services/risk/main.js',
      status: 1,
      outputTail: ['boom'],
    });
    expect(toErrorReport(err, false)).toEqual({
      kind: 'external',
      code: 'ALP_RUNTIME_SERVICE_CRASHED',
      message: 'risk-0 exited (1)',
      suggestions: [],
      target: 'node dist/services/risk/main.js',
      status: 1,
      outputTail: ['boom'],
      exitCode: 1,
    });
  });

  test('an unknown error is a bug (exit 10); the stack only with verbose', () => {
    const quiet = toErrorReport(new TypeError('x is undefined'), false);
    expect(quiet).toEqual({
      kind: 'bug',
      code: 'ALP_CLI_INTERNAL',
      message: 'internal error: x is undefined',
      suggestions: ['run again with --verbose to see the stack, and report it'],
      exitCode: 10,
    });
    const loud = toErrorReport(new TypeError('x is undefined'), true);
    expect(loud.stack).toContain('TypeError: x is undefined');
  });

  test('an oclif parse error is a usage error (exit 2)', () => {
    const parseError = Object.assign(new Error('Nonexistent flag: --bogus'), {
      parse: {},
      oclif: { exit: 2 },
    });
    expect(toErrorReport(parseError, false)).toMatchObject({
      kind: 'usage',
      code: 'ALP_CLI_USAGE',
      exitCode: 2,
    });
  });
});

describe('envelopes', () => {
  test('success: versioned, ok, command, data', () => {
    expect(successEnvelope('status', { running: false })).toEqual({
      apiVersion: 'alphintra/v1',
      ok: true,
      command: 'status',
      data: { running: false },
    });
  });

  test('error: code, message, suggestions; no exit code inside', () => {
    const report = toErrorReport(
      new UserError('ALP_RUNTIME_PORT_TAKEN', 'port 4000 taken', {
        suggestions: ['--port-base 5000'],
      }),
      false,
    );
    expect(errorEnvelope('up', report)).toEqual({
      apiVersion: 'alphintra/v1',
      ok: false,
      command: 'up',
      error: {
        kind: 'user',
        code: 'ALP_RUNTIME_PORT_TAKEN',
        message: 'port 4000 taken',
        suggestions: ['--port-base 5000'],
      },
    });
  });
});

describe('renderError', () => {
  test('plain text: code, message, problems, output tail, suggestions', () => {
    const report = toErrorReport(
      new ExternalError('ALP_PG_START_FAILED', 'no postgres', {
        target: 'pg_ctl start',
        status: 1,
        outputTail: ['FATAL: x'],
        suggestions: ['see the log'],
      }),
      false,
    );
    expect(renderError(report, plain)).toMatchInlineSnapshot(`
      "Error [ALP_PG_START_FAILED] no postgres
        while running: pg_ctl start (exit/status 1)
        last output:
        | FATAL: x
        → see the log"
    `);
  });
});
