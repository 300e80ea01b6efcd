import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import fp from 'fastify-plugin';

/**
 * Bodies are validated strictly: no type coercion (a JSON number where a decimal string is
 * expected is a 400, never silently turned into "0.30000000000000004") and no silent removal
 * of unknown properties (mass assignment is refused, not ignored). Query strings, params and
 * headers are text on the wire, so those keep coercion.
 */
function compilerFor(coerce: boolean): Ajv {
  const ajv = new Ajv({
    coerceTypes: coerce,
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
    strict: false,
  });
  addFormats.default(ajv);
  return ajv;
}

export const validationPlugin = fp(
  async (app) => {
    const strict = compilerFor(false);
    const coercing = compilerFor(true);
    app.setValidatorCompiler(({ schema, httpPart }) =>
      (httpPart === 'body' ? strict : coercing).compile(schema),
    );
  },
  { name: 'alphintra-validation', fastify: '5.x' },
);
