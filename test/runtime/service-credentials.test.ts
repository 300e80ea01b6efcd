import { describe, expect, test } from 'vitest';
import { deriveServiceCredential } from '../../services/auth/domain/service-credentials.js';
import { serviceCredential } from '../../cli/lib/runtime/local/service-credentials.js';

// The runtime derives each service's credential; auth checks it by deriving it again. The two
// derivations live apart (the CLI never imports a service's internals), so this keeps them equal.
describe('service credential contract between the runtime and auth', () => {
  test.each(['gateway', 'trading', 'no-code'])('%s', (service) => {
    const master = 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG8xMjM0NTY3ODk';
    expect(serviceCredential(master, service)).toBe(
      deriveServiceCredential(Buffer.from(master, 'utf8'), service),
    );
  });
});
