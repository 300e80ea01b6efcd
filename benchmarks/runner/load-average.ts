import { loadavg } from 'node:os';

/** os.loadavg() rounded to 2 decimals: recorded with every run, since the machine is shared. */
export function loadAverageNow(): number[] {
  return loadavg().map((v) => Math.round(v * 100) / 100);
}
