import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { E2eUser } from '../context.js';
import { bodyOf, expectProblem, expectStatus } from '../expect.js';
import { area } from '../suite.js';

interface Profile {
  id: string;
  email: string;
  displayName: string | null;
  country: string | null;
  timezone: string | null;
  roles: string[];
  kycStatus: string;
  kycUpdatedAt: string;
  createdAt: string;
  updatedAt: string;
}

async function profileOf(user: E2eUser, what: string): Promise<Profile> {
  const res = await user.call('GET', '/api/v1/users/me');
  expectStatus(res, 200, what);
  return bodyOf<Profile>(res, what);
}

export const users = area('users', [
  {
    id: 'E21',
    title: 'read and update the own profile',
    async run(t) {
      const user = await t.user();
      const before = await profileOf(user, 'GET /api/v1/users/me');
      assert.deepEqual(
        {
          id: before.id,
          email: before.email,
          displayName: before.displayName,
          country: before.country,
          timezone: before.timezone,
          roles: before.roles,
          kycStatus: before.kycStatus,
        },
        {
          id: user.id,
          email: user.email,
          displayName: null,
          country: null,
          timezone: null,
          roles: ['trader'],
          kycStatus: 'pending',
        },
      );

      const patch = { displayName: 'Ada Lovelace', country: 'GB', timezone: 'Europe/London' };
      const patched = await user.call('PATCH', '/api/v1/users/me', { body: patch });
      expectStatus(patched, 200, 'PATCH /api/v1/users/me');
      assert.deepEqual(
        { ...bodyOf<Profile>(patched, 'patched'), updatedAt: undefined },
        { ...before, ...patch, updatedAt: undefined },
        'only the patched fields change',
      );
      assert.ok(
        Date.parse(bodyOf<Profile>(patched, 'patched').updatedAt) >= Date.parse(before.updatedAt),
        'updatedAt moves forward',
      );
      const read = await profileOf(user, 'GET after PATCH');
      assert.deepEqual(read, bodyOf(patched, 'patched'), 'the change is stored');

      // A partial patch leaves the other fields; null clears one.
      const cleared = await user.call('PATCH', '/api/v1/users/me', {
        body: { displayName: null },
      });
      expectStatus(cleared, 200, 'PATCH displayName null');
      const after = bodyOf<Profile>(cleared, 'cleared');
      assert.deepEqual(
        [after.displayName, after.country, after.timezone],
        [null, 'GB', 'Europe/London'],
      );

      // Values outside the schema are refused, and change nothing.
      for (const body of [{ country: 'gb' }, { displayName: '' }, {}]) {
        const bad = await user.call('PATCH', '/api/v1/users/me', { body });
        expectProblem(bad, 400, 'ALP_REQUEST_INVALID', `PATCH ${JSON.stringify(body)}`);
      }
      const final = await profileOf(user, 'GET after the refused patches');
      assert.deepEqual(
        [final.displayName, final.country, final.timezone],
        [null, 'GB', 'Europe/London'],
      );
    },
  },
  {
    id: 'E22',
    title: 'privileged fields cannot be mass-assigned',
    async run(t) {
      const user = await t.user();
      const before = await profileOf(user, 'GET /api/v1/users/me');
      const attempts: Record<string, unknown>[] = [
        { roles: ['trader', 'admin'] },
        { kycStatus: 'approved' },
        { id: randomUUID() },
        { email: `owned-${randomUUID()}@e2e.alphintra.dev` },
        { createdAt: '2000-01-01T00:00:00.000Z' },
        // Smuggled next to a legitimate field: the whole body is refused.
        { displayName: 'Mallory', roles: ['admin'] },
        { displayName: 'Mallory', kycStatus: 'approved' },
      ];
      for (const body of attempts) {
        const res = await user.call('PATCH', '/api/v1/users/me', { body });
        expectProblem(res, 400, 'ALP_REQUEST_INVALID', `PATCH ${JSON.stringify(body)}`);
      }
      const after = await profileOf(user, 'GET after the attempts');
      assert.deepEqual(after, before, 'the profile is unchanged');
      // Auth, which puts roles into tokens, did not change either.
      const me = await user.call('GET', '/api/v1/auth/me');
      expectStatus(me, 200, 'GET /api/v1/auth/me');
      assert.deepEqual(bodyOf(me, 'identity').roles, ['trader']);
      // Control: the same route accepts the legitimate field alone.
      const ok = await user.call('PATCH', '/api/v1/users/me', { body: { displayName: 'Mallory' } });
      expectStatus(ok, 200, 'PATCH displayName alone');
      assert.equal(bodyOf<Profile>(ok, 'patched').displayName, 'Mallory');
      assert.deepEqual(bodyOf<Profile>(ok, 'patched').roles, ['trader']);
    },
  },
  {
    id: 'E23',
    title: "another user's profile is 404, exactly like a profile that does not exist",
    async run(t) {
      const [alice, bob, admin] = await Promise.all([
        t.user(),
        t.user(),
        t.user({ roles: ['admin'] }),
      ]);
      const own = await alice.call('GET', `/api/v1/users/${alice.id}`);
      expectStatus(own, 200, 'GET the own profile by id');
      assert.equal(bodyOf<Profile>(own, 'own').id, alice.id);

      const other = await alice.call('GET', `/api/v1/users/${bob.id}`);
      expectProblem(other, 404, 'ALP_USER_NOT_FOUND', "GET another user's profile");
      const none = await alice.call('GET', `/api/v1/users/${randomUUID()}`);
      expectProblem(none, 404, 'ALP_USER_NOT_FOUND', 'GET a profile that does not exist');
      const { detail: d1, title: t1 } = bodyOf(other, 'problem');
      const { detail: d2, title: t2 } = bodyOf(none, 'problem');
      assert.deepEqual([d1, t1], [d2, t2], 'an existing id cannot be told from a missing one');
      assert.equal(JSON.stringify(other.body).includes(bob.email), false, 'nothing of bob leaks');

      // Control: bob's profile exists (an admin reads it).
      const byAdmin = await admin.call('GET', `/api/v1/users/${bob.id}`);
      expectStatus(byAdmin, 200, "an admin reads bob's profile");
      assert.equal(bodyOf<Profile>(byAdmin, 'bob').email, bob.email);
    },
  },
  {
    id: 'E24',
    title: 'admin-only routes are 403 for a trader, and work for an admin',
    async run(t) {
      const [trader, target, admin] = await Promise.all([
        t.user(),
        t.user(),
        t.user({ roles: ['admin'] }),
      ]);
      const submitted = await target.call('POST', '/api/v1/users/me/kyc');
      expectStatus(submitted, 200, 'KYC submission');
      assert.equal(bodyOf<Profile>(submitted, 'kyc').kycStatus, 'under_review');

      const grant = await trader.call('PUT', `/api/v1/users/${trader.id}/roles`, {
        body: { roles: ['trader', 'admin'] },
      });
      expectProblem(grant, 403, 'ALP_AUTH_FORBIDDEN', 'a trader grants itself admin');
      const decide = await trader.call('POST', `/api/v1/users/${target.id}/kyc`, {
        body: { decision: 'approve' },
      });
      expectProblem(decide, 403, 'ALP_AUTH_FORBIDDEN', 'a trader decides a KYC review');
      const list = await trader.call('GET', '/api/v1/users');
      expectProblem(list, 403, 'ALP_AUTH_FORBIDDEN', 'a trader lists all users');

      // Nothing changed: the trader is still a trader (in auth too), the review still open.
      assert.deepEqual((await profileOf(trader, 'trader after')).roles, ['trader']);
      const identity = await trader.call('GET', '/api/v1/auth/me');
      expectStatus(identity, 200, 'GET /api/v1/auth/me');
      assert.deepEqual(bodyOf(identity, 'identity').roles, ['trader']);
      assert.equal((await profileOf(target, 'target after')).kycStatus, 'under_review');

      // Control: the same requests from an admin succeed.
      const approved = await admin.call('POST', `/api/v1/users/${target.id}/kyc`, {
        body: { decision: 'approve' },
      });
      expectStatus(approved, 200, 'an admin approves the review');
      assert.equal(bodyOf<Profile>(approved, 'approved').kycStatus, 'approved');
      const promoted = await admin.call('PUT', `/api/v1/users/${target.id}/roles`, {
        body: { roles: ['trader', 'risk-officer'] },
      });
      expectStatus(promoted, 200, 'an admin grants risk-officer');
      assert.deepEqual(bodyOf<Profile>(promoted, 'promoted').roles, ['trader', 'risk-officer']);
      const listed = await admin.call('GET', '/api/v1/users?limit=1');
      expectStatus(listed, 200, 'an admin lists users');
    },
  },
]);
