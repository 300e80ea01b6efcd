/** Names the rendered manifests share (the renderer writes them, the checks look for them). */

export const NAMESPACE = 'alphintra';
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
