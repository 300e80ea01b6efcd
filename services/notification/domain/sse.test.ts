import { expect, test } from 'vitest';
import { sseComment, sseEvent, sseRetry } from './sse.js';

test('an event is id, name and one line of JSON data, ended by a blank line', () => {
  expect(sseEvent('7', 'notification', { text: 'two\nlines', n: '1.5' })).toBe(
    'id: 7\nevent: notification\ndata: {"text":"two\\nlines","n":"1.5"}\n\n',
  );
});

test('a line break in a field is refused (it would start a field of its own)', () => {
  expect(() => sseEvent('7\nevent: x', 'notification', {})).toThrow(/line break/);
  expect(() => sseEvent('7', 'a\rb', {})).toThrow(/line break/);
  expect(() => sseComment('a\nb')).toThrow(/line break/);
});

test('comments and retry', () => {
  expect(sseComment('keep-alive')).toBe(': keep-alive\n\n');
  expect(sseRetry(2000.7)).toBe('retry: 2000\n\n');
});
