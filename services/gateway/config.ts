import { Type, type Static } from '@sinclair/typebox';
import { catalog } from '../catalog.js';
import { serviceConfigSchema } from '../platform/index.js';

export const configSchema = serviceConfigSchema(catalog.gateway, {
  /** Requests per window per user (JWT subject) or, when anonymous, per client IP. */
  RATE_LIMIT_MAX: Type.Optional(Type.Integer({ minimum: 1 })),
  RATE_LIMIT_WINDOW_MS: Type.Optional(Type.Integer({ minimum: 1000 })),
  /** Comma-separated origins allowed by CORS; anything else is never reflected. */
  CORS_ORIGINS: Type.Optional(Type.String()),
});
export type Config = Readonly<Static<typeof configSchema>>;
