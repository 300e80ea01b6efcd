import { describe, expect, test } from 'vitest';
import { isInternalAddress, trustGatewayHop } from './client-address.js';

describe('isInternalAddress', () => {
  test.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1',
    '::FFFF:10.2.3.4',
  ])('%s is internal', (a) => expect(isInternalAddress(a)).toBe(true));

  test.each([
    '8.8.8.8',
    '172.32.0.1',
    '192.169.0.1',
    '203.0.113.5',
    '2001:db8::1',
    '::ffff:8.8.8.8',
    'not-an-address',
    '',
  ])('%s is not', (a) => expect(isInternalAddress(a)).toBe(false));
});

describe('trustGatewayHop', () => {
  test('only the socket peer (hop 0), and only when internal', () => {
    expect(trustGatewayHop('127.0.0.1', 0)).toBe(true);
    expect(trustGatewayHop('127.0.0.1', 1)).toBe(false);
    expect(trustGatewayHop('8.8.8.8', 0)).toBe(false);
  });
});
