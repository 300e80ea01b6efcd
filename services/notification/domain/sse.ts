/*
 * Server-Sent Events framing (WHATWG HTML, "Server-sent events"): fields are `name: value`
 * lines and a blank line ends an event. A line feed inside a value would start a new field,
 * so data is JSON (which escapes every line break) and ids and names are checked.
 */

const FIELD = /^[^\r\n]*$/;

/** One event: `id` becomes the client's Last-Event-ID, `event` the listener's name. */
export function sseEvent(id: string, event: string, data: unknown): string {
  if (!FIELD.test(id) || !FIELD.test(event)) throw new Error('an SSE field with a line break');
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A comment line: ignored by clients, it keeps idle connections (and proxies) open. */
export function sseComment(text: string): string {
  if (!FIELD.test(text)) throw new Error('an SSE comment with a line break');
  return `: ${text}\n\n`;
}

/** How long a client waits before reconnecting after the stream ends, in milliseconds. */
export function sseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.trunc(ms))}\n\n`;
}
