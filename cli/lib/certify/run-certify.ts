import { execFile } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../../services/platform/package-root.js';
import { UserError } from '../errors.js';
import { SUITE } from '../e2e/registry.js';
import { runE2e } from '../e2e/run-e2e.js';
import type { HomePaths } from '../runtime/local/paths.js';
import { getStatus } from '../runtime/local/status.js';
import { CHECKS } from '../validate/registry.js';
import { runValidate } from '../validate/run-validate.js';
import {
  CERTIFICATE_VERSION,
  keyIdOf,
  signCertificate,
  verdictOf,
  type Certificate,
  type Gate,
} from './certificate.js';
import { benchGate, e2eGate, statusGate, validateGate } from './gates.js';

export interface CertifyOptions {
  paths: HomePaths;
  /** Where the certificate is written (default: <home>/certificates/<time>.json). */
  out?: string;
  /** A saved `alphintra bench --json` envelope. */
  benchResult?: string;
  /** Run the e2e tests that stop services (default true). */
  disruptive?: boolean;
  progress?: (line: string) => void;
  signal?: AbortSignal;
}

export interface CertifyResult {
  file: string;
  certificate: Certificate;
}

const run = promisify(execFile);

/** The commit the code runs from, and whether the tree has changes (null: not a git checkout). */
async function commitOf(dir: string): Promise<{ commit: string | null; dirty: boolean | null }> {
  try {
    const head = await run('git', ['rev-parse', 'HEAD'], { cwd: dir });
    const changes = await run('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: dir,
    });
    return { commit: head.stdout.trim(), dirty: changes.stdout.trim().length > 0 };
  } catch {
    return { commit: null, dirty: null };
  }
}

async function certKeys(paths: HomePaths) {
  const file = path.join(paths.keys, 'cert-private.pem');
  const pem = await readFile(file, 'utf8').catch(() => undefined);
  if (pem === undefined) {
    throw new UserError('ALP_CERTIFY_NO_KEY', `no certificate key in ${paths.keys}`, {
      suggestions: ['alphintra up creates it on its first run: alphintra up --detach'],
    });
  }
  const privateKey = createPrivateKey(pem);
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

async function readBenchResult(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (err) {
    throw new UserError('ALP_CERTIFY_BENCH_RESULT_UNREADABLE', `cannot read ${file} as JSON`, {
      exit: 'usage',
      cause: err,
      suggestions: ['give the output of: alphintra bench --json > bench.json'],
    });
  }
}

/**
 * Runs the gates against the platform in `paths` (status, the validate suite, the e2e suite)
 * and takes the bench's saved result, derives the verdict, signs the certificate and writes it. A "not
 * ready" certificate is still signed and written: it is the record of what was found.
 */
export async function runCertify(opts: CertifyOptions): Promise<CertifyResult> {
  const progress = opts.progress ?? (() => undefined);
  const keys = await certKeys(opts.paths);
  const bench =
    opts.benchResult === undefined ? undefined : await readBenchResult(opts.benchResult);

  progress('status: every service ready?');
  const status = await getStatus(opts.paths);
  const gates: Gate[] = [statusGate(status)];
  progress(`validate: the ${CHECKS.length} checks`);
  const validate = await runValidate({
    paths: opts.paths,
    checks: CHECKS,
    command: 'alphintra validate (certify)',
    progress: (line) => progress(`validate: ${line}`),
    ...(opts.signal && { signal: opts.signal }),
  });
  gates.push(validateGate(validate));
  let gateway: string | null = null;
  if (status.running) {
    progress(`e2e: the suite's ${SUITE.length} tests`);
    const e2e = await runE2e({
      paths: opts.paths,
      suite: SUITE,
      command: 'alphintra e2e (certify)',
      disruptive: opts.disruptive ?? true,
      progress: (line) => progress(`e2e: ${line}`),
      ...(opts.signal && { signal: opts.signal }),
    });
    gateway = e2e.gateway;
    gates.push(e2eGate(e2e));
  } else {
    gates.push({
      name: 'e2e',
      passed: false,
      summary: 'not run: no running platform',
      blockers: ['not run: no running platform'],
      evidence: null,
    });
  }
  gates.push(benchGate(bench, opts.benchResult));

  const pkg = JSON.parse(await readFile(path.join(packageRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  const issuedAt = new Date();
  const certificate = signCertificate(
    {
      apiVersion: CERTIFICATE_VERSION,
      subject: {
        product: 'alphintra platform',
        version: pkg.version,
        ...(await commitOf(packageRoot())),
      },
      issuedAt: issuedAt.toISOString(),
      issuer: {
        keyId: keyIdOf(keys.publicKey),
        publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      },
      machine: {
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        cpus: cpus().length,
        loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
      },
      target: { kind: 'local', gateway, home: opts.paths.home },
      gates,
      ...verdictOf(gates),
    },
    keys.privateKey,
  );
  const file =
    opts.out ??
    path.join(
      opts.paths.home,
      'certificates',
      `${issuedAt.toISOString().replace(/[:.]/g, '-')}.json`,
    );
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(certificate, null, 2)}\n`);
  return { file, certificate };
}
