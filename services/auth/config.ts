import { Type, type Static } from '@sinclair/typebox';
import { catalog } from '../catalog.js';
import { serviceConfigSchema } from '../platform/index.js';

export const configSchema = serviceConfigSchema(catalog.auth, {
  /** PEM file of the RS256 key that signs access and service tokens. */
  JWT_PRIVATE_KEY_FILE: Type.String({ minLength: 1 }),
  /** Comma-separated PEM files of retired public keys still published in the JWKS (rotation). */
  JWT_PREVIOUS_PUBLIC_KEY_FILES: Type.Optional(Type.String()),
  /** Secret from which every service's credential is derived (HMAC per service name). */
  SERVICE_CREDENTIAL_MASTER: Type.String({ minLength: 32 }),
});
export type Config = Readonly<Static<typeof configSchema>>;
