import { beforeAll, describe, expect, test } from 'vitest';
import type { KubeObject, Located } from '../manifests/kube.js';
import { renderManifests } from '../manifests/render.js';
import { isCoreGroup, loadSchemaModels, schemaProblems, type SchemaModels } from './schemas.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const rendered: Located[] = renderManifests({ version: '0.1.0' }).flatMap((f) =>
  f.objects.map((object) => ({ object, file: f.path, line: 1 })),
);

/** The rendered set with one object changed by `edit` (a deep copy; the rest as rendered). */
function withEdit(kind: string, name: string, edit: (o: Obj) => void): Located[] {
  return rendered.map((l) => {
    if (l.object.kind !== kind || l.object.metadata.name !== name) return l;
    const copy = structuredClone(l.object) as Obj;
    edit(copy);
    return { ...l, object: copy as KubeObject };
  });
}

describe('V011: the manifests against the API schemas', () => {
  let models: SchemaModels;
  beforeAll(async () => {
    models = await loadSchemaModels(rendered.map((l) => l.object));
  });
  const problems = (objects: Located[]) => schemaProblems(objects, models).problems;

  test('the rendered set is valid, every object checked, core kinds field by field', () => {
    const r = schemaProblems(rendered, models);
    expect(r.problems).toEqual([]);
    const api = rendered.filter((l) => l.object.kind !== 'Kustomization');
    expect(r.checked).toBe(api.length);
    expect(r.fieldChecked).toBe(api.filter((l) => isCoreGroup(l.object.apiVersion)).length);
    expect(r.fieldChecked).toBeGreaterThan(90);
  });

  test('a misspelt field is unknown to the API (it would be dropped on apply)', () => {
    const broken = withEdit('Deployment', 'trading', (o) => {
      const c = o.spec.template.spec.containers[0];
      c.readinessprobe = c.readinessProbe;
      delete c.readinessProbe;
    });
    expect(problems(broken)).toEqual([
      'Deployment/trading (base/trading.yaml:1): spec.template.spec.containers[0].readinessprobe is not a field of V1Container',
    ]);
  });

  test('wrong types and missing required fields, in core and Istio kinds', () => {
    const port = withEdit('Deployment', 'risk', (o) => {
      o.spec.template.spec.containers[0].ports[0].containerPort = '4021';
    });
    expect(problems(port)).toEqual([
      expect.stringMatching(
        /^Deployment\/risk .*containers\/0\/ports\/0\/containerPort must be integer/,
      ),
    ]);
    // The bug V011 found in the first render: a NetworkPolicy without its podSelector.
    const selector = withEdit('NetworkPolicy', 'postgres', (o) => delete o.spec.podSelector);
    expect(problems(selector)).toEqual([
      expect.stringMatching(
        /^NetworkPolicy\/postgres .*spec must have required property podSelector/,
      ),
    ]);
    const istio = withEdit('DestinationRule', 'broker', (o) => {
      o.spec.trafficPolicy.outlierDetection.consecutive5xxErrors = 'five';
    });
    expect(problems(istio)).toEqual([
      expect.stringMatching(/^DestinationRule\/broker .*consecutive5xxErrors must be/),
    ]);
  });

  test('a kind no schema here knows is reported, not passed over', () => {
    const widget: Located = {
      object: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
      file: 'base/widget.yaml',
      line: 1,
    };
    expect(problems([widget])).toEqual([
      'Widget/w (base/widget.yaml:1): no schema for example.com/v1 Widget',
    ]);
  });
});
