import { open } from 'node:fs/promises';

/** How much of a file's end `tailLines` reads: 64 KiB, or 4 MiB when lines are filtered. */
export const TAIL_WINDOW = 64 * 1024;
export const FILTERED_TAIL_WINDOW = 4 * 1024 * 1024;

/**
 * The last `lines` lines of a file that `keep` accepts (all by default), from at most the
 * last `windowBytes` of it; [] when missing.
 */
export async function tailLines(
  file: string,
  lines: number,
  opts: { readonly keep?: (line: string) => boolean; readonly windowBytes?: number } = {},
): Promise<string[]> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return [];
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, opts.windowBytes ?? TAIL_WINDOW);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - length);
    const all = buf.toString('utf8').split('\n');
    if (all.at(-1) === '') all.pop();
    // The first line may be cut by the window; drop it unless we read the whole file.
    if (length < size) all.shift();
    const kept = opts.keep ? all.filter(opts.keep) : all;
    return lines <= 0 ? [] : kept.slice(-lines);
  } finally {
    await handle.close();
  }
}
