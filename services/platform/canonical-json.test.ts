import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, sha256Hex } from './canonical-json.js';

describe('canonicalJson', () => {
  test('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  test('key order and spacing of the source text do not matter', () => {
    const one = JSON.parse('{"symbol":"AAPL","side":"buy","quantity":"10"}') as unknown;
    const two = JSON.parse('{ "quantity" : "10",\n "side":"buy", "symbol":"AAPL" }') as unknown;
    expect(canonicalJson(one)).toBe(canonicalJson(two));
  });

  test.each([
    [-0, '0'],
    [1e21, '1e+21'],
    [0.1, '0.1'],
    ['é\u2028"', '"é\u2028\\""'],
  ])('writes %j as %s', (value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });

  test('omits undefined members like JSON does', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  test.each([[NaN], [Infinity], [10n], [() => 1], [new Date(0)], [[undefined]], [Symbol('x')]])(
    'refuses %s',
    (value) => {
      expect(() => canonicalJson(value)).toThrow(TypeError);
    },
  );

  test('is a fixed point of parse after canonicalisation', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });

  test('sha256Hex pins a known vector', () => {
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
