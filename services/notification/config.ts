import type { Static } from '@sinclair/typebox';
import { catalog } from '../catalog.js';
import { serviceConfigSchema } from '../platform/index.js';

export const configSchema = serviceConfigSchema(catalog['notification']);
export type Config = Readonly<Static<typeof configSchema>>;
