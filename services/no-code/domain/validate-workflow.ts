import { Value } from '@sinclair/typebox/value';
import type { Component } from './component.js';
import { components, isComponentId } from './component-catalog.js';
import { configProblems } from './config-problems.js';
import type { Finding } from './finding.js';
import { findCycles } from './find-cycles.js';
import type { Workflow } from './workflow.js';

/** A node whose component is known and whose config is valid, with defaults filled in. */
export interface ResolvedNode {
  readonly id: string;
  readonly component: Component;
  readonly config: Readonly<Record<string, unknown>>;
}

/** An edge between two resolved nodes whose ports exist and have the same type. */
export interface ResolvedEdge {
  readonly from: { readonly node: string; readonly port: string };
  readonly to: { readonly node: string; readonly port: string };
}

export interface WorkflowValidation {
  readonly valid: boolean;
  readonly findings: readonly Finding[];
  readonly nodes: ReadonlyMap<string, ResolvedNode>;
  readonly edges: readonly ResolvedEdge[];
}

/**
 * Checks a workflow's meaning and lists every finding: duplicate node ids, unknown
 * components, invalid configs, edges to nodes or ports that do not exist, type mismatches,
 * inputs fed twice, required inputs left open, and cycles (node ids in cycle order).
 */
export function validateWorkflow(workflow: Workflow): WorkflowValidation {
  const findings: Finding[] = [];
  const declared = new Set<string>();
  const nodes = new Map<string, ResolvedNode>();
  const known = new Map<string, Component>();

  for (const node of workflow.nodes) {
    if (declared.has(node.id)) {
      findings.push({
        kind: 'duplicate-node',
        message: `node id "${node.id}" is used more than once`,
        nodes: [node.id],
      });
      continue;
    }
    declared.add(node.id);
    if (!isComponentId(node.component)) {
      findings.push({
        kind: 'unknown-component',
        message: `node "${node.id}" uses unknown component "${node.component}"`,
        nodes: [node.id],
      });
      continue;
    }
    const component = components[node.component];
    known.set(node.id, component);
    const config = Value.Default(component.config, structuredClone(node.config ?? {}));
    const problems = configProblems(component.config, config);
    for (const p of problems) {
      findings.push({
        kind: 'config-invalid',
        message: `node "${node.id}" (${component.id}) config ${p.path}: ${p.message}`,
        nodes: [node.id],
        path: p.path,
      });
    }
    if (problems.length === 0) {
      nodes.set(node.id, { id: node.id, component, config: config as Record<string, unknown> });
    }
  }

  const edges: ResolvedEdge[] = [];
  const fed = new Map<string, number>();
  workflow.edges.forEach((edge, index) => {
    const { from, to } = edge;
    const involved = [from.node, to.node];
    const missing = involved.filter((id) => !declared.has(id));
    if (missing.length > 0) {
      findings.push({
        kind: 'dangling-edge',
        message: `edge ${index} refers to ${missing.map((id) => `"${id}"`).join(' and ')}, which no node declares`,
        nodes: involved,
        edge: index,
      });
      return;
    }
    const source = known.get(from.node);
    const target = known.get(to.node);
    if (!source || !target) return; // unknown component, reported above
    const out = source.outputs.find((p) => p.name === from.port);
    const input = target.inputs.find((p) => p.name === to.port);
    if (!out || !input) {
      const which = [
        out ? undefined : `"${from.node}" (${source.id}) has no output "${from.port}"`,
        input ? undefined : `"${to.node}" (${target.id}) has no input "${to.port}"`,
      ].filter((w) => w !== undefined);
      findings.push({
        kind: 'unknown-port',
        message: `edge ${index}: ${which.join('; ')}`,
        nodes: involved,
        edge: index,
      });
      return;
    }
    if (out.type !== input.type) {
      findings.push({
        kind: 'port-type-mismatch',
        message: `edge ${index}: output ${from.node}.${from.port} is ${out.type} but input ${to.node}.${to.port} expects ${input.type}`,
        nodes: involved,
        edge: index,
      });
    }
    const key = `${to.node}\u0000${to.port}`;
    const first = fed.get(key);
    if (first !== undefined) {
      findings.push({
        kind: 'input-already-connected',
        message: `edge ${index}: input ${to.node}.${to.port} is already fed by edge ${first}`,
        nodes: involved,
        edge: index,
      });
      return;
    }
    fed.set(key, index);
    if (out.type === input.type) edges.push({ from, to });
  });

  for (const [id, component] of known) {
    for (const input of component.inputs) {
      if (input.required && !fed.has(`${id}\u0000${input.name}`)) {
        findings.push({
          kind: 'missing-required-input',
          message: `node "${id}" (${component.id}) needs its input "${input.name}" (${input.type}) connected`,
          nodes: [id],
        });
      }
    }
  }

  const cycles = findCycles(
    [...declared],
    workflow.edges.map((e) => ({ from: e.from.node, to: e.to.node })),
  );
  for (const cycle of cycles) {
    findings.push({
      kind: 'cycle',
      message: `cycle: ${[...cycle, cycle[0]].join(' -> ')}`,
      nodes: cycle,
    });
  }

  return { valid: findings.length === 0, findings, nodes, edges };
}
