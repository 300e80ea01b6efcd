import type { KeyObject } from 'node:crypto';
import { SERVICE_NAMES } from '../catalog.js';
import type { Identity } from '../platform/index.js';
import { createServiceTokenSource, createStaticKeySet } from '../platform/security/index.js';
import { buildJwks } from './domain/jwks-document.js';
import { createServiceTokenIssuer } from './domain/service-credentials.js';
import { loadKeys, type SigningKey } from './domain/signing-key.js';
import type { Config } from './config.js';

/** Auth's keys: the one it signs with and every key it publishes (rotation). */
export interface AuthKeys {
  readonly signing: SigningKey;
  readonly published: readonly KeyObject[];
  readonly jwks: ReturnType<typeof buildJwks>;
  readonly issueServiceToken: ReturnType<typeof createServiceTokenIssuer>;
}

// One load per config: the platform's identity hook and the routes both need the keys.
const loaded = new WeakMap<object, AuthKeys>();

export function authKeys(config: Config): AuthKeys {
  let keys = loaded.get(config);
  if (!keys) {
    const files = config.JWT_PREVIOUS_PUBLIC_KEY_FILES?.split(',')
      .map((f) => f.trim())
      .filter((f) => f.length > 0);
    const { signing, published } = loadKeys({
      privateKeyFile: config.JWT_PRIVATE_KEY_FILE,
      previousPublicKeyFiles: files,
    });
    keys = {
      signing,
      published,
      jwks: buildJwks(published),
      issueServiceToken: createServiceTokenIssuer({
        key: signing,
        issuer: config.JWT_ISSUER,
        services: SERVICE_NAMES,
      }),
    };
    loaded.set(config, keys);
  }
  return keys;
}

/** Auth verifies tokens with its own published keys and signs its own service tokens. */
export function authIdentity(config: Config): Identity {
  const keys = authKeys(config);
  return {
    keys: createStaticKeySet(keys.jwks),
    serviceTokens: createServiceTokenSource({
      fetchToken: async (audience) => {
        const t = keys.issueServiceToken('auth', audience);
        return { token: t.token, expiresInSec: t.expiresInSec };
      },
    }),
  };
}
