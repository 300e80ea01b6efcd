import { describe, expect, test } from 'vitest';
import { checkWebhookTarget, systemResolve, type Resolve } from './webhook-target.js';

// The resolver is the outer network edge: tests answer for it instead of asking real DNS.
const answering =
  (table: Record<string, readonly string[]>): Resolve =>
  async (host) => {
    const found = table[host];
    if (!found)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };
const dns = answering({
  'hooks.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'rebind.example.com': ['93.184.215.14', '127.0.0.1'],
  'internal.example.com': ['10.0.0.7'],
  'mapped.example.com': ['::ffff:169.254.169.254'],
  'empty.example.com': [],
});

describe('checkWebhookTarget', () => {
  test.each([
    ['https://hooks.example.com/alphintra', 'https://hooks.example.com/alphintra'],
    ['http://hooks.example.com:8080/x?y=1', 'http://hooks.example.com:8080/x?y=1'],
    ['https://HOOKS.example.com:8443', 'https://hooks.example.com:8443/'],
    ['https://93.184.215.14/hook', 'https://93.184.215.14/hook'],
    ['https://[2606:4700:4700::1111]/hook', 'https://[2606:4700:4700::1111]/hook'],
  ])('%s is allowed', async (url, normalised) => {
    await expect(checkWebhookTarget(url, { resolve: dns })).resolves.toMatchObject({
      allowed: true,
      url: normalised,
    });
  });

  test('an allowed target carries every resolved address for delivery to pin', async () => {
    await expect(
      checkWebhookTarget('https://hooks.example.com/', { resolve: dns }),
    ).resolves.toEqual({
      allowed: true,
      url: 'https://hooks.example.com/',
      addresses: ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    });
  });

  test.each([
    ['not a url', 'url-invalid', 'not an absolute URL', undefined],
    [
      'ftp://hooks.example.com/',
      'scheme-not-allowed',
      'scheme ftp is not allowed (use https or http)',
      undefined,
    ],
    [
      'file:///etc/passwd',
      'scheme-not-allowed',
      'scheme file is not allowed (use https or http)',
      undefined,
    ],
    [
      'gopher://hooks.example.com:70/',
      'scheme-not-allowed',
      'scheme gopher is not allowed (use https or http)',
      undefined,
    ],
    [
      'https://user:secret@hooks.example.com/',
      'credentials-in-url',
      'credentials in the URL are not allowed (webhooks are authenticated by their signature)',
      undefined,
    ],
    [
      'https://hooks.example.com:22/',
      'port-not-allowed',
      'port 22 is not allowed (allowed: 80, 443, 8080, 8443)',
      undefined,
    ],
    [
      'http://hooks.example.com:8081/',
      'port-not-allowed',
      'port 8081 is not allowed (allowed: 80, 443, 8080, 8443)',
      undefined,
    ],
    ['http://localhost/', 'host-not-allowed', 'host localhost is not allowed', undefined],
    ['http://api.localhost/', 'host-not-allowed', 'host api.localhost is not allowed', undefined],
    [
      'http://metadata.google.internal/',
      'host-not-allowed',
      'host metadata.google.internal is not allowed',
      undefined,
    ],
    [
      'http://127.0.0.1/',
      'address-not-public',
      'host 127.0.0.1 resolves to a loopback address',
      'loopback',
    ],
    [
      'http://2130706433/',
      'address-not-public',
      'host 127.0.0.1 resolves to a loopback address',
      'loopback',
    ],
    [
      'http://0x7f.1/',
      'address-not-public',
      'host 127.0.0.1 resolves to a loopback address',
      'loopback',
    ],
    [
      'http://0/',
      'address-not-public',
      'host 0.0.0.0 resolves to a unspecified address',
      'unspecified',
    ],
    ['http://[::1]/', 'address-not-public', 'host ::1 resolves to a loopback address', 'loopback'],
    [
      'http://[::ffff:127.0.0.1]/',
      'address-not-public',
      'host ::ffff:7f00:1 resolves to a ipv4-mapped address',
      'ipv4-mapped',
    ],
    [
      'http://169.254.169.254/latest/meta-data/',
      'address-not-public',
      'host 169.254.169.254 resolves to a metadata address',
      'metadata',
    ],
    [
      'http://100.64.1.1/',
      'address-not-public',
      'host 100.64.1.1 resolves to a cgnat address',
      'cgnat',
    ],
    [
      'http://224.0.0.1/',
      'address-not-public',
      'host 224.0.0.1 resolves to a multicast address',
      'multicast',
    ],
    [
      'http://192.168.0.1:8080/',
      'address-not-public',
      'host 192.168.0.1 resolves to a private address',
      'private',
    ],
    [
      'http://[fe80::1]/',
      'address-not-public',
      'host fe80::1 resolves to a link-local address',
      'link-local',
    ],
    [
      'https://internal.example.com/',
      'address-not-public',
      'host internal.example.com resolves to a private address',
      'private',
    ],
    [
      'https://rebind.example.com/',
      'address-not-public',
      'host rebind.example.com resolves to a loopback address',
      'loopback',
    ],
    [
      'https://mapped.example.com/',
      'address-not-public',
      'host mapped.example.com resolves to a ipv4-mapped address',
      'ipv4-mapped',
    ],
    [
      'https://nowhere.example.com/',
      'host-unresolvable',
      'host nowhere.example.com does not resolve (ENOTFOUND)',
      undefined,
    ],
    [
      'https://empty.example.com/',
      'host-unresolvable',
      'host empty.example.com has no addresses',
      undefined,
    ],
  ])('%s is refused: %s', async (url, reason, message, addressClass) => {
    await expect(checkWebhookTarget(url, { resolve: dns })).resolves.toEqual({
      allowed: false,
      reason,
      message,
      ...(addressClass ? { addressClass } : {}),
    });
  });

  test('a lookup that never answers is refused once the budget is spent', async () => {
    const never: Resolve = () => new Promise(() => {});
    await expect(
      checkWebhookTarget('https://slow.example.com/', { resolve: never, lookupBudgetMs: 20 }),
    ).resolves.toEqual({
      allowed: false,
      reason: 'host-unresolvable',
      message: 'host slow.example.com does not resolve (ETIMEOUT)',
    });
  });

  test('the system resolver returns every address of a name (localhost, from /etc/hosts)', async () => {
    await expect(systemResolve('localhost')).resolves.toContain('127.0.0.1');
  });
});
