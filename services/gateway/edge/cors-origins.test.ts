import { describe, expect, test } from 'vitest';
import { parseCorsOrigins } from './cors-origins.js';

describe('CORS_ORIGINS', () => {
  test.each([
    [undefined, []],
    ['', []],
    ['https://app.alphintra.dev', ['https://app.alphintra.dev']],
    [' https://a.example , http://localhost:3000 ', ['https://a.example', 'http://localhost:3000']],
  ])('%j → %j', (value, origins) => {
    expect(parseCorsOrigins(value)).toEqual(origins);
  });

  test.each([
    ['*', /\* is not allowed/],
    ['https://a.example,*', /\* is not allowed/],
    ['app.example', /not an origin/],
    ['https://a.example/', /use https:\/\/a\.example/],
  ])('%j is refused', (value, message) => {
    expect(() => parseCorsOrigins(value)).toThrow(message);
  });
});
