import type { ChalkInstance } from 'chalk';
import type { CertifyResult } from './run-certify.js';

/** The certificate in a few lines: each gate, the verdict and its reasons, where it was written. */
export function renderCertify(
  { file, certificate: c }: CertifyResult,
  colour: ChalkInstance,
): string {
  const lines = [
    `${c.subject.product} ${c.subject.version}, commit ${c.subject.commit ?? 'unknown'}${c.subject.dirty ? ' (with local changes)' : ''}`,
  ];
  for (const g of c.gates) {
    const mark = g.passed && g.blockers.length === 0 ? colour.green('pass') : colour.red('FAIL');
    lines.push(`  ${mark} ${g.name.padEnd(8)} ${g.summary}`);
  }
  lines.push('');
  if (c.verdict === 'ready') lines.push(colour.green('verdict: ready'));
  else {
    lines.push(colour.red(`verdict: not ready (${c.reasons.length} reasons)`));
    for (const r of c.reasons) lines.push(`  - ${r}`);
  }
  lines.push('', `signed with key ${c.issuer.keyId}: ${file}`);
  return lines.join('\n');
}
