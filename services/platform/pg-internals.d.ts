// pg's row parser and value serialiser, public through pg's "./lib/*" export but untyped.
declare module 'pg/lib/result.js' {
  const Result: new (rowMode?: 'array', types?: unknown) => unknown;
  export default Result;
}
declare module 'pg/lib/utils.js' {
  export function prepareValue(value: unknown): unknown;
}
