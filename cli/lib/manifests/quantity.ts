/* Kubernetes resource quantities, as the renderer writes and the checks read them. */

/** CPU in millicores: `250m`, `1`, `0.5`; undefined when not a Kubernetes CPU quantity. */
export function cpuMillis(q: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(q.trim());
  if (!m) return undefined;
  return m[2] === 'm' ? Number(m[1]) : Number(m[1]) * 1000;
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  k: 1e3,
  M: 1e6,
  G: 1e9,
};

/** Memory in bytes: `128Mi`, `1Gi`, `500M`; undefined when not a memory quantity. */
export function memoryBytes(q: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)?$/.exec(q.trim());
  if (!m) return undefined;
  return Number(m[1]) * MEMORY_UNITS[m[2] ?? '']!;
}
