import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; its default export arrives wrapped when imported from ESM.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * Two validators: bodies are checked strictly (no coercion, unknown fields rejected, nothing removed),
 * while query strings and path params are coerced from text ("20" → 20), as they can only be text.
 */
export function createValidatorCompiler(): (input: { schema: object; httpPart?: string }) => ValidateFunction {
  const strict = addFormats(new Ajv({ allErrors: true, coerceTypes: false, useDefaults: true, strict: false }));
  const coercing = addFormats(new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, strict: false }));
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema);
}
