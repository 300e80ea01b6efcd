import { createHmac } from 'node:crypto';

/**
 * A service's credential, derived from the platform's master secret exactly as auth checks
 * it (services/auth/domain/service-credentials.ts): HMAC-SHA256 keyed with the UTF-8 bytes of
 * SERVICE_CREDENTIAL_MASTER over "alphintra-service:<name>", base64url. Each instance gets
 * only its own credential; only auth gets the master. (Duplicated on purpose: the CLI never
 * imports a service's internals; a contract test keeps the two equal.)
 */
export function serviceCredential(master: string, service: string): string {
  return createHmac('sha256', Buffer.from(master, 'utf8'))
    .update(`alphintra-service:${service}`)
    .digest('base64url');
}
