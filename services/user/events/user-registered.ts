import type { EventEffect } from '../../platform/events/index.js';
import { ROLES } from '../../platform/index.js';
import { createProfileIn, type RegisteredUser } from '../profiles.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KNOWN_ROLES = new Set<string>(ROLES);

/**
 * Reads a UserRegistered payload (version 1). A malformed one throws, so the bus retries it
 * and finally dead-letters it: it is never dropped without a trace.
 */
export function registeredUser(payload: Readonly<Record<string, unknown>>): RegisteredUser {
  const { userId, email, roles } = payload;
  if (typeof userId !== 'string' || !UUID.test(userId)) {
    throw new Error('UserRegistered without a uuid userId');
  }
  if (typeof email !== 'string' || email.length < 3 || email.length > 254) {
    throw new Error('UserRegistered without an email');
  }
  if (
    !Array.isArray(roles) ||
    roles.length === 0 ||
    !roles.every((r) => typeof r === 'string' && KNOWN_ROLES.has(r))
  ) {
    throw new Error('UserRegistered without known roles');
  }
  return { id: userId, email, roles: roles as string[] };
}

/** UserRegistered → the profile exists (created once; auth's direct call may have made it). */
export const userRegisteredHandler: EventEffect = async (tx, event) => {
  await createProfileIn(tx, registeredUser(event.payload));
};
