import { createHash } from 'node:crypto';
import type { KubeObject } from '../manifests/kube.js';
import { LABEL_NAME, LABEL_PART_OF, NAMESPACE } from '../manifests/names.js';
import { LABEL_POSTGRES_CLIENT, POSTGRES_PORT, secretName } from '../manifests/render.js';

export interface DatabaseSpec {
  readonly database: string;
  readonly role: string;
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The psql script that gives the cluster's PostgreSQL what `up` gives the local one
 * (runtime/local/postgres/provision.ts): a login role per database with its password, the
 * database owned by it, CONNECT revoked from PUBLIC. Idempotent: roles and databases are
 * created only when missing (`\gexec` runs the generated CREATE DATABASE outside a
 * transaction, as it must), passwords and ownership are set on every run.
 */
export function provisionSql(
  wanted: readonly DatabaseSpec[],
  passwordOf: (role: string) => string,
): string {
  const roles = wanted.map((w) => literal(w.role)).join(', ');
  const pairs = wanted.map((w) => `(${literal(w.database)}, ${literal(w.role)})`).join(', ');
  return [
    '-- Written by alphintra deploy; run with psql -v ON_ERROR_STOP=1.',
    `SELECT format('CREATE ROLE %I LOGIN', r) FROM unnest(ARRAY[${roles}]) AS r`,
    '  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)',
    '\\gexec',
    ...wanted.map(
      (w) =>
        `ALTER ROLE ${ident(w.role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${literal(passwordOf(w.role))};`,
    ),
    `SELECT format('CREATE DATABASE %I OWNER %I', d, o) FROM (VALUES ${pairs}) AS v(d, o)`,
    '  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d)',
    '\\gexec',
    ...wanted.map(
      (w) =>
        `ALTER DATABASE ${ident(w.database)} OWNER TO ${ident(w.role)}; REVOKE ALL ON DATABASE ${ident(w.database)} FROM PUBLIC;`,
    ),
    '',
  ].join('\n');
}

const NAME = 'postgres-provision';

/**
 * The objects that run the script in the cluster: a Secret holding it (it carries passwords),
 * a NetworkPolicy letting the Job's pod reach PostgreSQL (the namespace denies by default), and
 * the Job, with PostgreSQL's own image (it has psql). A Job's pod template cannot change, so
 * the Job is named after the script's digest: a deploy with the same script finds it done, a
 * changed one runs a new Job.
 */
export function provisionObjects(
  sql: string,
  postgresImage: string,
): {
  objects: KubeObject[];
  jobName: string;
} {
  const digest = createHash('sha256').update(sql).update(postgresImage).digest('hex');
  const jobName = `${NAME}-${digest.slice(0, 10)}`;
  const labels = { [LABEL_NAME]: NAME, [LABEL_PART_OF]: 'alphintra' };
  const meta = (name: string) => ({ name, namespace: NAMESPACE, labels });
  const objects: KubeObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta(NAME),
      type: 'Opaque',
      data: { 'provision.sql': Buffer.from(sql, 'utf8').toString('base64') },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(NAME),
      spec: {
        podSelector: { matchLabels: { [LABEL_NAME]: NAME } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: [
          {
            to: [{ podSelector: { matchLabels: { [LABEL_NAME]: 'postgres' } } }],
            ports: [{ protocol: 'TCP', port: POSTGRES_PORT }],
          },
        ],
      },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta(jobName),
      spec: {
        backoffLimit: 10,
        activeDeadlineSeconds: 600,
        ttlSecondsAfterFinished: 86_400,
        template: {
          metadata: { labels: { ...labels, [LABEL_POSTGRES_CLIENT]: 'true' } },
          spec: {
            restartPolicy: 'OnFailure',
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 999,
              runAsGroup: 999,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: 'provision',
                image: postgresImage,
                command: ['psql', '-v', 'ON_ERROR_STOP=1', '-f', '/provision/provision.sql'],
                env: [
                  { name: 'PGHOST', value: 'postgres' },
                  { name: 'PGPORT', value: String(POSTGRES_PORT) },
                  { name: 'PGUSER', value: 'postgres' },
                  { name: 'PGDATABASE', value: 'postgres' },
                  { name: 'PGCONNECT_TIMEOUT', value: '5' },
                  {
                    name: 'PGPASSWORD',
                    valueFrom: {
                      secretKeyRef: { name: secretName('postgres'), key: 'POSTGRES_PASSWORD' },
                    },
                  },
                ],
                resources: {
                  requests: { cpu: '50m', memory: '32Mi' },
                  limits: { cpu: '200m', memory: '64Mi' },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [{ name: 'script', mountPath: '/provision', readOnly: true }],
              },
            ],
            volumes: [{ name: 'script', secret: { secretName: NAME } }],
          },
        },
      },
    },
  ];
  return { objects, jobName };
}
