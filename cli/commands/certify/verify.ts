import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/base-command.js';
import { verifyCertificate, type Verification } from '../../lib/certify/certificate.js';
import { UserError } from '../../lib/errors.js';
import { ExitCode } from '../../lib/exit-codes.js';
import { resolveHome } from '../../lib/runtime/local/paths.js';

export default class CertifyVerify extends BaseCommand {
  static override summary =
    'Check a certificate: its signature, its key, and that its verdict follows from its gates.';

  static override description = `Valid means: the Ed25519 signature matches every byte of the content, the key id matches the key, and the verdict is what the gates give. Trusted means the signing key is one you trust: --public-key, or the certificate key of ALPHINTRA_HOME when there is one.
Exit codes: 0 valid and trusted, 1 invalid or signed by an untrusted key, 2 usage (unreadable file).`;

  static override examples = [
    {
      description: 'With the local platform key',
      command: '<%= config.bin %> <%= command.id %> certificate.json',
    },
    {
      description: "With the release team's published key",
      command: '<%= config.bin %> <%= command.id %> certificate.json --public-key release-cert.pem',
    },
  ];

  static override args = {
    file: Args.string({ description: 'The certificate (JSON).', required: true }),
  };

  static override flags = {
    'public-key': Flags.string({
      description: 'A trusted public key (PEM); default: ALPHINTRA_HOME/keys/cert-public.pem.',
      helpValue: 'FILE',
    }),
  };

  async run(): Promise<Verification & { file: string }> {
    const { args, flags } = await this.parse(CertifyVerify);
    let input: unknown;
    try {
      input = JSON.parse(await readFile(args.file, 'utf8')) as unknown;
    } catch (err) {
      throw new UserError('ALP_CERTIFY_UNREADABLE', `cannot read ${args.file} as JSON`, {
        exit: 'usage',
        cause: err,
      });
    }
    const keyFile = flags['public-key'] ?? path.join(resolveHome().keys, 'cert-public.pem');
    const trusted: KeyObject[] = [];
    const pem = await readFile(keyFile, 'utf8').catch(() => undefined);
    if (pem !== undefined) trusted.push(createPublicKey(pem));
    else if (flags['public-key'] !== undefined) {
      throw new UserError('ALP_CERTIFY_KEY_UNREADABLE', `cannot read ${keyFile}`, {
        exit: 'usage',
      });
    }
    const v = verifyCertificate(input, trusted);
    if (!v.valid) this.log(this.colour.red(`invalid: ${v.reason}`));
    else if (!v.trusted)
      this.log(this.colour.yellow(`valid signature by key ${v.keyId}, which is not a trusted key`));
    else
      this.log(this.colour.green(`valid: signed by trusted key ${v.keyId}; verdict ${v.verdict}`));
    if (!v.valid || !v.trusted) process.exitCode = ExitCode.failed;
    return { ...v, file: args.file };
  }
}
