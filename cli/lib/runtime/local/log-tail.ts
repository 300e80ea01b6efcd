import { open } from 'node:fs/promises';

/** The last `lines` lines of a file (reads at most the last 64 KiB); [] when missing. */
export async function tailLines(file: string, lines: number): Promise<string[]> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return [];
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - length);
    const all = buf.toString('utf8').split('\n');
    if (all.at(-1) === '') all.pop();
    // The first line may be cut by the 64 KiB window; drop it unless we read the whole file.
    if (length < size) all.shift();
    return lines <= 0 ? [] : all.slice(-lines);
  } finally {
    await handle.close();
  }
}
