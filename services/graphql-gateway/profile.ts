import type { Profile } from '../platform/index.js';

/** The deployment profile of a config; unset means `dev` (the platform kit's default too). */
export function profileOf(config: { readonly ALPHINTRA_PROFILE?: Profile }): Profile {
  return config.ALPHINTRA_PROFILE ?? 'dev';
}

/** Whether the config runs hardened: no introspection, no GraphiQL. */
export function isProduction(config: { readonly ALPHINTRA_PROFILE?: Profile }): boolean {
  return profileOf(config) === 'prod';
}
