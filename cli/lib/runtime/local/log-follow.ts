import { open, stat } from 'node:fs/promises';

export interface FollowedFile {
  label: string;
  file: string;
}

/**
 * Follows log files by polling (fs.watch misses appends on some filesystems), emitting
 * whole lines. A file that shrinks (the instance was restarted and its log truncated) is
 * read again from the start.
 */
export class LogFollower {
  private readonly offsets = new Map<string, number>();
  private readonly partial = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly files: readonly FollowedFile[],
    private readonly onLine: (label: string, line: string) => void,
    private readonly intervalMs = 200,
  ) {}

  /** Start at the end of each file minus nothing (fromStart) or at its current end. */
  async start(fromStart: boolean): Promise<void> {
    for (const f of this.files) {
      const size = fromStart
        ? 0
        : await stat(f.file).then(
            (s) => s.size,
            () => 0,
          );
      this.offsets.set(f.file, size);
    }
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.poll();
    for (const f of this.files) {
      const rest = this.partial.get(f.file);
      if (rest) this.onLine(f.label, rest);
      this.partial.delete(f.file);
    }
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const f of this.files) await this.readNew(f);
    } finally {
      this.polling = false;
    }
  }

  private async readNew(f: FollowedFile): Promise<void> {
    let handle;
    try {
      handle = await open(f.file, 'r');
    } catch {
      return;
    }
    try {
      const { size } = await handle.stat();
      let offset = this.offsets.get(f.file) ?? 0;
      if (size < offset) {
        offset = 0;
        this.partial.delete(f.file);
      }
      if (size === offset) return;
      const buf = Buffer.alloc(size - offset);
      await handle.read(buf, 0, buf.length, offset);
      this.offsets.set(f.file, size);
      const text = (this.partial.get(f.file) ?? '') + buf.toString('utf8');
      const lines = text.split('\n');
      this.partial.set(f.file, lines.pop() ?? '');
      for (const line of lines) this.onLine(f.label, line);
    } finally {
      await handle.close();
    }
  }
}
