import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { MAX_JSON_DEPTH, parseJsonBody } from './json-body-parser.js';

function refusal(body: string | Uint8Array): { code: string; message: string; details: unknown } {
  try {
    parseJsonBody(body);
  } catch (error) {
    if (error instanceof ApiError) return { code: error.code, message: error.message, details: error.details };
    throw error;
  }
  throw new Error('the body was accepted');
}

describe('parseJsonBody', () => {
  it('parses JSON and treats an empty body as absent', () => {
    expect(parseJsonBody('{"a":[1,"x",null]}')).toEqual({ a: [1, 'x', null] });
    expect(parseJsonBody(Buffer.from('  '))).toBeUndefined();
  });

  it.each([
    ['1e400', '{"params":{"amount":1e400}}', 'body.params.amount'],
    ['-1e400', '{"params":{"amount":-1e400}}', 'body.params.amount'],
    ['1e400 deep in an array', '{"context":{"a":[0,{"b":[1e400]}]}}', 'body.context.a.1.b.0'],
    ['1e400 as the whole body', '1e400', 'body'],
  ])('refuses %s as invalid_number naming the field', (_label, text, path) => {
    const error = refusal(text);
    expect(error.code).toBe('invalid_number');
    expect(error.message).toContain(path);
    expect(error.details).toEqual([{ path, message: 'number out of range' }]);
  });

  it('keeps numbers a double can hold, as the nearest double', () => {
    expect(parseJsonBody('{"a":-0,"b":1e-400,"c":9007199254740993,"d":1.7976931348623157e308}')).toEqual({
      a: -0,
      b: 0,
      c: 9007199254740992,
      d: Number.MAX_VALUE,
    });
  });

  it.each([
    ['a lone high surrogate', '{"agent_id":"bot\\ud800"}', 'body.agent_id'],
    ['a lone low surrogate in params', '{"params":{"x":["ok","\\udfff"]}}', 'body.params.x.1'],
    ['a reversed pair', '{"tool":"\\udc00\\ud800"}', 'body.tool'],
    ['a lone surrogate in a key', '{"params":{"\\ud800k":1}}', 'body.params.\ufffdk'],
    ['NUL in a value', '{"context":{"note":"a\\u0000b"}}', 'body.context.note'],
    ['NUL in a key', '{"params":{"a\\u0000":1}}', 'body.params.a\\u0000'],
  ])('refuses %s as invalid_unicode naming the field', (_label, text, path) => {
    const error = refusal(text);
    expect(error.code).toBe('invalid_unicode');
    expect(error.details).toEqual([{ path, message: expect.any(String) }]);
  });

  it('accepts surrogate pairs and other control characters in params', () => {
    expect(parseJsonBody('{"s":"\\ud83d\\ude00\\t\\n\\u001b"}')).toEqual({ s: '😀\t\n\u001b' });
  });

  it('refuses bytes that are not UTF-8 instead of turning them into U+FFFD', () => {
    const bytes = Buffer.concat([Buffer.from('{"agent_id":"bot'), Buffer.from([0xff]), Buffer.from('"}')]);
    expect(refusal(bytes).code).toBe('invalid_unicode');
    // A surrogate encoded as UTF-8 bytes (CESU-8) is not UTF-8 either.
    expect(refusal(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22])).code).toBe('invalid_unicode');
  });

  it('refuses NaN, __proto__ keys and deep nesting', () => {
    expect(refusal('{"n":NaN}').code).toBe('invalid_json');
    expect(refusal('{"a":{"__proto__":{}}}').code).toBe('invalid_json');
    expect(refusal('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1)).code).toBe('body_too_deep');
  });

  it('shortens huge keys in error paths', () => {
    const error = refusal(`{"${'k'.repeat(10_000)}":1e999}`);
    expect(error.message.length).toBeLessThan(200);
  });
});
