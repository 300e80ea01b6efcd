import { catalog, upstreamEnvVar, type ServiceName } from '../../catalog.js';

/*
 * Without a discovery registry the gateway needs a base URL per routed service. Its config
 * carries `<UPSTREAM>_URL` only for the services it depends on (today: AUTH_URL), so the rest
 * are derived from AUTH_URL the way the runtime lays services out: on Kubernetes
 * (`http://auth:4010`) each service is its Service DNS name on its catalog port; locally every
 * port is shifted by the same offset from the catalog, so auth's actual port gives the offset.
 * An explicit `<UPSTREAM>_URL` in the config always wins.
 */
export function staticUpstreamUrls(
  config: Readonly<Record<string, unknown>>,
  services: readonly ServiceName[],
): Record<string, string> {
  const authUrl = config[upstreamEnvVar('auth')];
  if (typeof authUrl !== 'string') throw new Error('gateway config has no AUTH_URL');
  const auth = new URL(authUrl);
  const authPort = Number(auth.port || (auth.protocol === 'https:' ? 443 : 80));
  const byServiceDns = auth.hostname === 'auth';
  const out: Record<string, string> = {};
  for (const name of services) {
    const explicit = config[upstreamEnvVar(name)];
    if (typeof explicit === 'string') {
      out[name] = explicit.replace(/\/+$/, '');
    } else if (byServiceDns) {
      out[name] = `${auth.protocol}//${name}:${catalog[name].port}`;
    } else {
      const port = catalog[name].port - catalog.auth.port + authPort;
      out[name] = `${auth.protocol}//${auth.host.replace(/:\d+$/, '')}:${port}`;
    }
  }
  return out;
}
