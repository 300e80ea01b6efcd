import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { RiskLimits } from '../domain/limits.js';
import { runRiskChecks } from '../store/run-checks.js';

const Positive = Type.String({ pattern: '^(0|[1-9][0-9]{0,19})(\\.[0-9]{1,18})?$', maxLength: 40 });

const checkFields = {
  userId: Type.String({ minLength: 1, maxLength: 200 }),
  orderId: Type.String({ minLength: 1, maxLength: 255 }),
  symbol: Type.String({ pattern: '^[A-Z0-9][A-Z0-9.-]{0,19}$' }),
  side: Type.Union([Type.Literal('buy'), Type.Literal('sell')]),
  quantity: Positive,
  price: Positive,
};

const body = Type.Object(checkFields, { additionalProperties: false });

/** Most checks one batch may carry. */
export const MAX_CHECKS_PER_BATCH = 256;

const batchBody = Type.Object(
  {
    checks: Type.Array(
      Type.Object(
        {
          ...checkFields,
          // The request id of the client request behind this check, for the log.
          requestId: Type.Optional(Type.String({ maxLength: 200 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_CHECKS_PER_BATCH },
    ),
  },
  { additionalProperties: false },
);

/** A check that could not be decided (its transaction failed): the caller must fail closed. */
const UNDECIDED = { approved: false, undecided: true, code: 'ALP_RISK_CHECK_FAILED' } as const;

/**
 * `POST /internal/risk/check` (service token from trading): 200 {approved:true} or 200
 * {approved:false, rule, code, reason}; the first decision per orderId is final.
 * `POST /internal/risk/checks` decides several at once, {checks:[...]} -> {decisions:[...]} in
 * the same order, each as the single route would answer it (or `undecided`).
 */
export const checkRoute: FastifyPluginAsync<{ defaults: RiskLimits }> = async (app, opts) => {
  const onlyTrading = app.authenticateService(['trading']);

  app.post<{ Body: Static<typeof body> }>(
    '/internal/risk/check',
    { schema: { body }, preValidation: onlyTrading },
    async (request) => {
      const outcome = await runRiskChecks(app.pg, [request.body], opts.defaults, Date.now());
      // Publish what the checks wrote to the outbox now, not at the next poll.
      if (outcome.wroteEvents) app.events.nudge();
      const [decision] = outcome.decisions;
      if (!decision!.ok) throw decision!.error;
      return decision!.value;
    },
  );

  app.post<{ Body: Static<typeof batchBody> }>(
    '/internal/risk/checks',
    { schema: { body: batchBody }, preValidation: onlyTrading },
    async (request) => {
      const checks = request.body.checks.map(({ requestId: _, ...check }) => check);
      const outcome = await runRiskChecks(app.pg, checks, opts.defaults, Date.now());
      if (outcome.wroteEvents) app.events.nudge();
      const { decisions } = outcome;
      const failed = decisions.filter((d) => !d.ok);
      if (failed.length > 0) {
        request.log.warn({ err: (failed[0] as { error: unknown }).error }, 'risk checks failed');
      }
      request.log.info(
        { checks: checks.length, requestIds: request.body.checks.map((c) => c.requestId) },
        'risk checks decided',
      );
      return { decisions: decisions.map((d) => (d.ok ? d.value : UNDECIDED)) };
    },
  );
};
