import type { FastifyPluginAsync } from 'fastify';
import type { BrokerContext } from './store/broker-context.js';
import { sweepWorkingOrders } from './store/sweep-working.js';

/**
 * Outside the test profile the market moves with wall time, so resting orders are matched
 * by a timer (once per market step, at most every 250 ms and at least every 10 s). Replicas
 * may sweep together: each order is matched under its row lock from the step it reached.
 */
export const clockSweeper: FastifyPluginAsync<{ ctx: BrokerContext }> = async (app, { ctx }) => {
  const everyMs = Math.min(10_000, Math.max(250, ctx.clock.stepMs));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = sweepWorkingOrders(app.pg, ctx)
      .then((fills) => {
        if (fills === 0) return;
        app.events.nudge();
        app.log.info({ fills }, 'resting orders filled');
      })
      .catch((err: unknown) => app.log.warn({ err }, 'sweep of working orders failed'))
      .finally(() => {
        running = undefined;
      });
  };
  app.addHook('onReady', async () => {
    timer = setInterval(tick, everyMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
};
