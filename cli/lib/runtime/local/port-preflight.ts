import { UserError } from '../../errors.js';
import { describePortHolder, isPortFree } from './port-check.js';

export interface PortNeed {
  port: number;
  /** Who needs it, e.g. `trading` or `trading (instance 2)` or `embedded PostgreSQL`. */
  owner: string;
}

/**
 * Checks every port before anything starts, so a taken port costs nothing to fix. All
 * taken ports are reported together, with who holds them when /proc says so.
 */
export async function assertPortsFree(needs: readonly PortNeed[], portBase: number): Promise<void> {
  const results = await Promise.all(
    needs.map(async (n) => ({ ...n, free: await isPortFree(n.port) })),
  );
  const taken = results.filter((r) => !r.free);
  if (taken.length === 0) return;
  const problems = await Promise.all(
    taken.map(async (t) => {
      const holder = await describePortHolder(t.port);
      return `port ${t.port} (${t.owner}) is already in use${holder ? ` by ${holder}` : ''}`;
    }),
  );
  const otherBase = portBase === 5000 ? 6000 : 5000;
  throw new UserError(
    'ALP_RUNTIME_PORT_TAKEN',
    taken.length === 1
      ? `port ${taken[0]?.port} needed by ${taken[0]?.owner} is already in use; nothing was started`
      : `${taken.length} ports needed by the platform are already in use; nothing was started`,
    {
      problems,
      suggestions: [
        `shift every port: --port-base ${otherBase} (or ALPHINTRA_PORT_BASE=${otherBase})`,
        'or stop the process holding the port',
        'if it is an alphintra platform started elsewhere, run `alphintra down` with its ALPHINTRA_HOME',
      ],
    },
  );
}
