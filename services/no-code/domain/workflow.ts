import { Type, type Static } from '@sinclair/typebox';

const NodeId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
const PortRef = Type.Object(
  { node: Type.String({ minLength: 1, maxLength: 64 }), port: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);

/**
 * The wire shape of a workflow. Sizes are bounded so that validating one is cheap; what the
 * graph means (components, ports, cycles) is checked by `validateWorkflow`, which lists
 * every finding rather than the first.
 */
export const WorkflowSchema = Type.Object(
  {
    nodes: Type.Array(
      Type.Object(
        {
          id: NodeId,
          component: Type.String({ minLength: 1 }),
          config: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
        },
        { additionalProperties: false },
      ),
      { maxItems: 200 },
    ),
    edges: Type.Array(
      Type.Object({ from: PortRef, to: PortRef }, { additionalProperties: false }),
      { maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);

export type Workflow = Static<typeof WorkflowSchema>;
export type WorkflowNode = Workflow['nodes'][number];
export type WorkflowEdge = Workflow['edges'][number];
