import assert from 'node:assert/strict';
import { bodyOf, expectProblem, expectStatus } from '../expect.js';
import { area } from '../suite.js';

const CHECK = '/api/v1/notifications/webhooks/check';

export const notifications = area('notifications', [
  {
    id: 'E52',
    title: 'a fill lands in the inbox exactly once',
    missing:
      'the inbox: notification consumes no events (no OrderFilled consumer writes the inbox table) and serves no GET /api/v1/notifications listing it',
  },
  {
    id: 'E53',
    title: 'mark read',
    missing:
      'inbox routes: no GET /api/v1/notifications and no route marking an entry read (e.g. POST /api/v1/notifications/:id/read); the read_at column is never written',
  },
  {
    id: 'E54',
    title: 'a live stream receives the event',
    missing:
      'a live stream: notification serves no SSE or WebSocket route, and consumes no platform events to stream',
  },
  {
    id: 'E55',
    title: 'a webhook to a loopback or private address is refused',
    async run(t) {
      const user = await t.user();
      // Every spelling of an internal target, with the reason the service must give.
      const refused: [url: string, reason: string, addressClass?: string][] = [
        ['http://127.0.0.1/hook', 'address-not-public', 'loopback'],
        ['http://2130706433/hook', 'address-not-public', 'loopback'], // 127.0.0.1 as one number
        ['https://[::1]/hook', 'address-not-public', 'loopback'],
        ['https://[::ffff:127.0.0.1]/hook', 'address-not-public', 'ipv4-mapped'],
        ['https://10.0.0.5/hook', 'address-not-public', 'private'],
        ['https://172.16.3.4:8443/hook', 'address-not-public', 'private'],
        ['https://192.168.1.10/hook', 'address-not-public', 'private'],
        ['http://169.254.169.254/latest/meta-data/', 'address-not-public', 'metadata'],
        ['http://localhost/hook', 'host-not-allowed'],
        ['https://8.8.8.8:5432/hook', 'port-not-allowed'],
        ['https://user:secret@8.8.8.8/hook', 'credentials-in-url'],
        ['file:///etc/passwd', 'scheme-not-allowed'],
      ];
      for (const [url, reason, addressClass] of refused) {
        const res = await user.call('POST', CHECK, { body: { url } });
        expectProblem(res, 422, 'ALP_NOTIFICATION_WEBHOOK_TARGET_REFUSED', url);
        const problem = bodyOf<{ reason?: unknown; addressClass?: unknown }>(res, url);
        assert.equal(problem.reason, reason, `${url}: reason`);
        assert.equal(problem.addressClass, addressClass, `${url}: address class`);
      }
      // A public address on an allowed port is accepted (an IP literal: no DNS involved).
      const ok = await user.call('POST', CHECK, { body: { url: 'https://8.8.8.8/hook' } });
      expectStatus(ok, 200, 'a public target');
      assert.deepEqual(ok.body, { allowed: true });
    },
  },
]);
