import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/base-command.js';
import { renderCertify } from '../lib/certify/render.js';
import { runCertify, type CertifyResult } from '../lib/certify/run-certify.js';
import { ExitCode } from '../lib/exit-codes.js';
import { resolveHome } from '../lib/runtime/local/paths.js';
import { trapSignals } from '../lib/signals.js';

export default class Certify extends BaseCommand {
  static override summary =
    'Issue a signed production-readiness certificate for the running platform.';

  static override description = `Runs the gates against the platform started with \`alphintra up --detach\` (ALPHINTRA_HOME): status (every service ready), the validate suite (every check of SUITES.md built and passing), the e2e suite (every test of SUITES.md built and passing), and takes the bench's SLO results from a saved \`alphintra bench --json\` (--bench-result; the bench needs a platform started with the bench profile, whose raised rate limits the e2e rate-limit test must not see, so it is run on its own).
The verdict is "ready" only when every gate passed with nothing failed, skipped or not built; otherwise "not-ready", with every reason listed. Either way the certificate is signed with the platform's Ed25519 key (ALPHINTRA_HOME/keys/cert-private.pem) over its canonical JSON and written (default ALPHINTRA_HOME/certificates/<time>.json), with the commit, the machine and each gate's evidence.
\`alphintra certify verify FILE\` checks a certificate.
Exit codes: 0 ready, 1 not ready (the certificate is still written), 2 usage, 3 no certificate key.`;

  static override examples = [
    {
      description: 'Bench on a bench-profile platform, then certify on a default one',
      command: [
        'RATE_LIMIT_MAX=100000000 RISK_DEFAULT_ORDER_RATE=1000000 <%= config.bin %> up --detach',
        '<%= config.bin %> bench --json > bench.json && <%= config.bin %> down',
        '<%= config.bin %> up --detach',
        '<%= config.bin %> <%= command.id %> --bench-result bench.json --out certificate.json',
      ].join('\n'),
    },
    {
      description: 'Check a certificate',
      command: '<%= config.bin %> certify verify certificate.json',
    },
  ];

  static override flags = {
    'bench-result': Flags.string({
      description: 'A saved `alphintra bench --json` envelope: the performance evidence.',
      helpValue: 'FILE',
    }),
    out: Flags.string({
      description:
        'Where to write the certificate (default ALPHINTRA_HOME/certificates/<time>.json).',
      helpValue: 'FILE',
    }),
    disruptive: Flags.boolean({
      description:
        'Run the e2e tests that stop services or turn the kill switch on (--no-disruptive: the verdict cannot be ready).',
      default: true,
      allowNo: true,
    }),
  };

  async run(): Promise<CertifyResult> {
    const { flags } = await this.parse(Certify);
    const trap = trapSignals();
    const result = await runCertify({
      paths: resolveHome(),
      ...(flags.out !== undefined && { out: flags.out }),
      ...(flags['bench-result'] !== undefined && { benchResult: flags['bench-result'] }),
      disruptive: flags.disruptive,
      progress: (line) => this.note(line),
      signal: trap.signal,
    }).finally(() => trap.release());
    this.log(renderCertify(result, this.colour));
    if (result.certificate.verdict !== 'ready') process.exitCode = ExitCode.failed;
    return result;
  }
}
