/**
 * Polls `probe` every 100 ms until it gives a value (not undefined) and returns it; throws
 * `timed out waiting for <what>` after `ms`. For asynchronous effects a test can only observe
 * (a relay publishing, a consumer applying), never to wait for a fixed time.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
