import { describe, type KubeObject, type Located } from '../manifests/kube.js';

/*
 * V011: the manifests against the API's own schemas. Two sources, each doing what the other
 * cannot:
 * - kubernetes-models 4.5 (and @kubernetes-models/istio 2.3, prometheus-operator 4.4): the
 *   OpenAPI schemas compiled to validators: required fields, types, enums, formats. Their
 *   validators accept fields they do not know (the schemas do not forbid them).
 * - @kubernetes/client-node 1.4's models: every field of every core type (`attributeTypeMap`),
 *   walked here to find the fields the API does not have, which it would drop on apply
 *   (a misspelt `readinessprobe` is a pod without a readiness probe).
 * The newer majors of both need Node 22. Istio's v1 APIs have the schemas of their v1beta1
 * (Istio promoted them unchanged in 1.22), which the Istio models still name.
 */

export interface Validator {
  /** Throws with every schema error found, when there is one. */
  (object: unknown): void;
}

/** What V011 checks with, loaded once (the model packages are large). */
export interface SchemaModels {
  /** The validator of an object's apiVersion and kind; undefined when none knows it. */
  validatorOf(object: KubeObject): Validator | undefined;
  /** The fields of a client-node type by JSON name, with their types; undefined for none. */
  fieldsOf(type: string): ReadonlyMap<string, string> | undefined;
}

type ModelClass = new (data: unknown) => { validate(): void };

/** A package path holding models, and the apiVersion those models carry when it differs. */
interface Source {
  readonly path: string;
  readonly asVersion?: string;
}

/** Where the models of an apiVersion are (the first source that has the kind is used). */
const SOURCES: Readonly<Record<string, readonly Source[]>> = {
  'networking.istio.io/v1': [
    {
      path: '@kubernetes-models/istio/networking.istio.io/v1beta1',
      asVersion: 'networking.istio.io/v1beta1',
    },
  ],
  'security.istio.io/v1': [
    { path: '@kubernetes-models/istio/security.istio.io/v1' },
    {
      path: '@kubernetes-models/istio/security.istio.io/v1beta1',
      asVersion: 'security.istio.io/v1beta1',
    },
  ],
  'monitoring.coreos.com/v1': [
    { path: '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1' },
  ],
};

function sourcesOf(apiVersion: string): readonly Source[] {
  return (
    SOURCES[apiVersion] ??
    (isCoreGroup(apiVersion) ? [{ path: `kubernetes-models/${apiVersion}` }] : [])
  );
}

/** The model class of one kind, loaded alone (a whole group's index costs ~0.5 s). */
async function modelOf(apiVersion: string, kind: string): Promise<Validator | undefined> {
  for (const source of sourcesOf(apiVersion)) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(`${source.path}/${kind}`)) as Record<string, unknown>;
    } catch {
      continue; // this package has no such kind
    }
    const Model = mod[kind] as ModelClass | undefined;
    if (typeof Model !== 'function') continue;
    return (o) => {
      const data = source.asVersion ? { ...(o as object), apiVersion: source.asVersion } : o;
      new Model(data).validate();
    };
  }
  return undefined;
}

/** The client-node class name of an apiVersion and kind: apps/v1 Deployment -> V1Deployment. */
export function clientTypeOf(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').pop()!;
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

/** Loads what V011 needs for these objects' kinds. */
export async function loadSchemaModels(objects: readonly KubeObject[]): Promise<SchemaModels> {
  const kinds = new Map<string, Promise<Validator | undefined>>();
  for (const o of objects) {
    const k = `${o.apiVersion} ${o.kind}`;
    if (!kinds.has(k) && !NOT_API.has(o.kind)) kinds.set(k, modelOf(o.apiVersion, o.kind));
  }
  // Only the models, not the client (the package's index loads all of it: ~1 s).
  const classes =
    (await import('@kubernetes/client-node/dist/gen/models/all.js')) as unknown as Record<
      string,
      { getAttributeTypeMap?: () => { baseName: string; type: string }[] } | undefined
    >;
  const validators = new Map<string, Validator | undefined>();
  for (const [k, v] of kinds) validators.set(k, await v);
  const fields = new Map<string, ReadonlyMap<string, string> | undefined>();
  return {
    validatorOf: (object) => validators.get(`${object.apiVersion} ${object.kind}`),
    fieldsOf(type) {
      if (!fields.has(type)) {
        const map = classes[type]?.getAttributeTypeMap?.();
        fields.set(type, map && new Map(map.map((a) => [a.baseName, a.type])));
      }
      return fields.get(type);
    },
  };
}

/** Field paths in `value` that its client-node type does not have. */
export function unknownFields(
  value: unknown,
  type: string,
  models: Pick<SchemaModels, 'fieldsOf'>,
  path = '',
): string[] {
  if (value === null || value === undefined) return [];
  const array = /^Array<(.+)>$/.exec(type);
  if (array)
    return Array.isArray(value)
      ? value.flatMap((v, i) => unknownFields(v, array[1]!, models, `${path}[${i}]`))
      : [];
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map)
    return typeof value === 'object' && !Array.isArray(value)
      ? Object.entries(value).flatMap(([k, v]) =>
          unknownFields(v, map[1]!, models, `${path}[${JSON.stringify(k)}]`),
        )
      : [];
  const fields = models.fieldsOf(type);
  // Primitives, IntOrString, free-form objects: no fields to know.
  if (!fields || typeof value !== 'object' || Array.isArray(value)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const at = path ? `${path}.${k}` : k;
    const t = fields.get(k);
    if (t === undefined) out.push(`${at} is not a field of ${type}`);
    else out.push(...unknownFields(v, t, models, at));
  }
  return out;
}

/** Kubernetes' own API groups (the core group, apps, batch, *.k8s.io), not CRDs'. */
export function isCoreGroup(apiVersion: string): boolean {
  if (!apiVersion.includes('/')) return true;
  const group = apiVersion.split('/')[0]!;
  return !group.includes('.') || group.endsWith('.k8s.io');
}

/** Kinds that are not API objects (kustomize reads them, the API server never sees them). */
const NOT_API = new Set(['Kustomization']);

/**
 * V011: every object against its schema (required fields, types, enums) and, for core kinds,
 * no field the API does not have. An object no schema here knows is a problem too: a kind the
 * check cannot read is a kind nothing checked.
 */
export function schemaProblems(
  objects: readonly Located[],
  models: SchemaModels,
): { problems: string[]; checked: number; fieldChecked: number } {
  const problems: string[] = [];
  let checked = 0;
  let fieldChecked = 0;
  for (const l of objects) {
    const o = l.object;
    if (NOT_API.has(o.kind)) continue;
    const validate = models.validatorOf(o);
    if (!validate) {
      problems.push(`${describe(l)}: no schema for ${o.apiVersion} ${o.kind}`);
      continue;
    }
    checked += 1;
    try {
      validate(o);
    } catch (err) {
      problems.push(`${describe(l)}: ${(err as Error).message.replace(/\bdata\//g, '')}`);
    }
    const type = clientTypeOf(o.apiVersion, o.kind);
    if (isCoreGroup(o.apiVersion) && models.fieldsOf(type)) {
      fieldChecked += 1;
      for (const p of unknownFields(o, type, models)) problems.push(`${describe(l)}: ${p}`);
    }
  }
  return { problems, checked, fieldChecked };
}
