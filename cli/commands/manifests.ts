import path from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/base-command.js';
import { ExitCode } from '../lib/exit-codes.js';
import {
  manifestDrift,
  manifestsDir,
  writeManifests,
  type ManifestDrift,
} from '../lib/manifests/files.js';
import { renderManifests } from '../lib/manifests/render.js';
import { packageVersion } from '../lib/manifests/version.js';

export interface ManifestsResult {
  readonly dir: string;
  readonly version: string;
  /** Files written (render), or none (--check). */
  readonly written: string[];
  readonly objects: number;
  /** With --check: what differs; `upToDate` when nothing does. */
  readonly drift?: ManifestDrift;
  readonly upToDate?: boolean;
}

export default class Manifests extends BaseCommand {
  static override summary = 'Render the Kubernetes manifests from the service catalog.';

  static override description = `Writes manifests/base (one file per service, the data stores, the namespace's default-deny, the Secrets pods reference without their values, and a kustomization.yaml) from services/catalog.ts: env from the same builder as the local runtime, probes, resources, security contexts, NetworkPolicies from the catalog's edges, PodDisruptionBudgets and HPAs for critical services.
The rendered files are committed; \`alphintra validate\` reads them (V004-V027) and V013 fails when they differ from what the catalog renders. --check reports that drift without writing.
Exit codes: 0 written (or, with --check, up to date), 1 --check found drift.`;

  static override examples = [
    { description: 'Render into manifests/', command: '<%= config.bin %> <%= command.id %>' },
    {
      description: 'Are the committed manifests what the catalog renders? (CI)',
      command: '<%= config.bin %> <%= command.id %> --check --json',
    },
    {
      description: 'Render elsewhere, with another image tag',
      command: '<%= config.bin %> <%= command.id %> --out /tmp/m --version 1.2.3',
    },
  ];

  static override flags = {
    out: Flags.string({
      description: 'Folder to write to (default: the repository manifests/).',
      helpValue: 'DIR',
    }),
    version: Flags.string({
      description: 'Tag of the platform image (default: the package version).',
      helpValue: 'TAG',
    }),
    check: Flags.boolean({ description: 'Write nothing; exit 1 when the files differ.' }),
  };

  async run(): Promise<ManifestsResult> {
    const { flags } = await this.parse(Manifests);
    const dir = path.resolve(flags.out ?? manifestsDir());
    const version = flags.version ?? packageVersion();
    const files = renderManifests({ version });
    const objects = files.reduce((n, f) => n + f.objects.length, 0);
    if (flags.check) {
      const drift = await manifestDrift(dir, files);
      const upToDate = drift.missing.length + drift.changed.length + drift.extra.length === 0;
      if (upToDate) this.log(`${dir}: up to date (${files.length} files, ${objects} objects)`);
      else {
        for (const [what, list] of Object.entries(drift)) {
          for (const f of list as string[]) this.log(`${what.padEnd(8)} ${f}`);
        }
        this.log(`${dir} differs from what the catalog renders: alphintra manifests`);
        process.exitCode = ExitCode.failed;
      }
      return { dir, version, written: [], objects, drift, upToDate };
    }
    const written = await writeManifests(dir, files);
    this.log(`wrote ${written.length} files (${objects} objects) to ${dir}`);
    return { dir, version, written, objects };
  }
}
