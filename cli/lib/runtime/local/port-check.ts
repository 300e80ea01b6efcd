import { readdir, readFile, readlink } from 'node:fs/promises';
import net from 'node:net';

/** True when nothing listens on host:port (we can bind it ourselves). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Who listens on a port, best effort from /proc (Linux); undefined when unknown. */
export async function describePortHolder(port: number): Promise<string | undefined> {
  try {
    const hex = port.toString(16).toUpperCase().padStart(4, '0');
    const inodes = new Set<string>();
    for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
      const text = await readFile(file, 'utf8').catch(() => '');
      for (const line of text.split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        // cols[1] = local address:port, cols[3] = state (0A = LISTEN), cols[9] = inode
        if (cols[1]?.endsWith(`:${hex}`) && cols[3] === '0A' && cols[9]) inodes.add(cols[9]);
      }
    }
    if (inodes.size === 0) return undefined;
    for (const pid of (await readdir('/proc')).filter((d) => /^\d+$/.test(d))) {
      const fds = await readdir(`/proc/${pid}/fd`).catch(() => []);
      for (const fd of fds) {
        const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
        const m = /^socket:\[(\d+)\]$/.exec(link);
        if (m?.[1] && inodes.has(m[1])) {
          const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''))
            .split('\0')
            .filter(Boolean);
          return `pid ${pid}${argv.length > 0 ? ` (${commandLine(argv)})` : ''}`;
        }
      }
    }
    return undefined;
  } catch {
    return undefined;
  }
}

const COMMAND_MAX = 80;

/**
 * A process's command line on one line, even for a program given inline (`-c '...'`): the
 * program by its name rather than its install path, so the arguments that tell processes
 * apart fit; cut at COMMAND_MAX characters with an ellipsis.
 */
export function commandLine([program = '', ...args]: readonly string[]): string {
  const line = [program.slice(program.lastIndexOf('/') + 1), ...args]
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > COMMAND_MAX ? `${line.slice(0, COMMAND_MAX - 1)}…` : line;
}
