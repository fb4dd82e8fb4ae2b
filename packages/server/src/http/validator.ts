import { parseTimestamp } from '@faramesh/contract';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; its default export arrives wrapped when imported from ESM.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * ajv-formats' date-time accepts what JavaScript's Date can't represent (leap seconds, year 0000): the
 * schema must accept exactly what the handlers then convert, so one function decides both.
 */
function withFormats(ajv: Ajv): Ajv {
  return addFormats(ajv).addFormat('date-time', { type: 'string', validate: (text) => parseTimestamp(text) !== null });
}

/**
 * Two validators: bodies are checked strictly (no coercion, unknown fields rejected, nothing removed),
 * while query strings and path params are coerced from text ("20" → 20), as they can only be text.
 */
export function createValidatorCompiler(): (input: { schema: object; httpPart?: string }) => ValidateFunction {
  const strict = withFormats(new Ajv({ allErrors: true, coerceTypes: false, useDefaults: true, strict: false }));
  const coercing = withFormats(new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, strict: false }));
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema);
}
