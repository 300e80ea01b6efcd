import type { FastifyPluginAsync } from 'fastify';
import { realizedToday } from '../domain/daily-pnl.js';
import { listExposures } from '../store/exposure-store.js';
import { readKillSwitch } from '../store/kill-switch-store.js';

/** `GET /api/v1/risk/exposure`: the caller's positions and open quantities as risk sees them. */
export const exposureRoute: FastifyPluginAsync = async (app) => {
  app.get('/api/v1/risk/exposure', { preValidation: app.authenticate }, async (request) => {
    const userId = request.user!.id;
    const exposures = await listExposures(app.pg, userId);
    const { rows } = await app.pg.query<{ day: string | null; pnl: string }>(
      `SELECT pnl_day::text AS day, trim_scale(realized_pnl_today)::text AS pnl
         FROM risk_limits WHERE user_id = $1`,
      [userId],
    );
    const r = rows[0];
    const daily = r && r.day !== null ? { day: r.day, realizedPnl: r.pnl } : undefined;
    return {
      userId,
      realizedPnlToday: realizedToday(daily, Date.now()),
      killSwitch: await readKillSwitch(app.pg, userId),
      exposures: exposures.map(({ symbol, position, openBuyQty, openSellQty }) => ({
        symbol,
        position,
        openBuyQty,
        openSellQty,
      })),
    };
  });
};
