import fc from 'fast-check';

/**
 * Arbitraries for hostile HTTP input: JSON written as text (so it can hold what JavaScript values
 * can't, like `1e400` or a `__proto__` key), strings with lone surrogates and control characters,
 * timestamps at the edges of the calendar, and raw query strings with broken percent-encoding.
 */

/** A JSON value as a tree of text tokens; objects are entry lists so any key survives. */
export type JsonText =
  | { kind: 'raw'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'array'; items: JsonText[] }
  | { kind: 'object'; entries: [string, JsonText][] };

/** The JSON text of a tree. JSON.stringify writes lone surrogates as `\udXXX` escapes, as an attacker would. */
export function toJsonText(tree: JsonText): string {
  switch (tree.kind) {
    case 'raw':
      return tree.text;
    case 'string':
      return JSON.stringify(tree.value);
    case 'array':
      return `[${tree.items.map(toJsonText).join(',')}]`;
    case 'object':
      return `{${tree.entries.map(([key, value]) => `${JSON.stringify(key)}:${toJsonText(value)}`).join(',')}}`;
  }
}

const raw = (text: string): JsonText => ({ kind: 'raw', text });
const str = (value: string): JsonText => ({ kind: 'string', value });
export const object = (entries: [string, JsonText][]): JsonText => ({ kind: 'object', entries });

/** Numbers as JSON can write them, including those a double can't hold or keep exactly. */
export const hostileNumber: fc.Arbitrary<string> = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.constantFrom(
    '1e400',
    '-1e400',
    '1E+400',
    '1.8e308',
    '-0',
    '-0.0',
    '1e-400',
    '9007199254740993',
    '123456789012345678901234567890',
    '1.7976931348623157e308',
    '5e-324',
    '0.1',
    '1e2',
  ),
);

/** Characters that are fine in params and context, though not all of them in names. */
const plainUnit: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'x', '-', '.', '/', ' ', '*', '_', '1') },
  {
    weight: 2,
    arbitrary: fc.constantFrom('\u0007', '\u001b', '\n', '\t', '\u007f', '\u0085', '\u200b', '\u202e', '\ufeff'),
  },
  { weight: 2, arbitrary: fc.constantFrom('\ufffd', '\u2028', '"', '\\', '%', '😀', 'é', 'İ', '\ud83e\udd16') },
  { weight: 1, arbitrary: fc.integer({ min: 0x20, max: 0xd7ff }).map((unit) => String.fromCharCode(unit)) },
);

/** What no store keeps as sent: halves of surrogate pairs, and NUL. */
const poisonUnit = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', '\u0000');

const plainString = fc.string({ unit: plainUnit, maxLength: 24 });

/** Odd but valid names: no control characters, not blank (zero-width, bidi and emoji are allowed). */
export const oddName: fc.Arbitrary<string> = fc
  .string({
    unit: fc.constantFrom('a', 'Z', '-', '.', '*', ' ', '\u200b', '\u202e', '\ufeff', '😀', 'é', 'İ', '"', '\\', '%'),
    minLength: 1,
    maxLength: 24,
  })
  .map((name) => `${name}x`);

/** Mostly plain strings, some with one poisoned unit somewhere, now and then a long one. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 16, arbitrary: plainString },
  {
    weight: 2,
    arbitrary: fc.tuple(plainString, poisonUnit, plainString).map(([before, poison, after]) => before + poison + after),
  },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(257), 'y'.repeat(70_000), ' '.repeat(300)) },
);

/** Keys a client may well send, `constructor` and `toString` included: they must be stored as sent. */
const plainKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: plainString },
  {
    weight: 2,
    arbitrary: fc.constantFrom('amount', 'cmd', 'path', 'url', 'agent_id', 'constructor', 'toString', '', 'a.b'),
  },
);

export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: plainKey },
  { weight: 1, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'prototype', 'hasOwnProperty') },
);

const plainNumber: fc.Arbitrary<string> = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
);

/** Any JSON value a few levels deep, built from the given leaves and keys. */
function jsonOf(text: fc.Arbitrary<string>, number: fc.Arbitrary<string>, key: fc.Arbitrary<string>) {
  return fc.letrec<{ value: JsonText }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(raw('null'), raw('true'), raw('false')),
      number.map(raw),
      text.map(str),
      fc.array(tie('value'), { maxLength: 4 }).map((items): JsonText => ({ kind: 'array', items })),
      fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map(object),
    ),
  })).value;
}

/** JSON a well-behaved client could send: every value in it must be stored exactly. */
export const plainJson: fc.Arbitrary<JsonText> = jsonOf(plainString, plainNumber, plainKey);

/** Any JSON value, with hostile leaves and keys. */
export const hostileJson: fc.Arbitrary<JsonText> = jsonOf(hostileString, hostileNumber, hostileKey);

/** Nesting around the depth limit (32). */
export const deepJson: fc.Arbitrary<JsonText> = fc
  .tuple(fc.integer({ min: 28, max: 40 }), fc.boolean())
  .map(([depth, asObjects]) => {
    let tree: JsonText = raw('1');
    for (let i = 0; i < depth; i++) tree = asObjects ? object([['a', tree]]) : { kind: 'array', items: [tree] };
    return tree;
  });

/** An object for params or context: plain, hostile, deep, or not an object at all. */
export const paramsLike: fc.Arbitrary<JsonText> = fc.oneof(
  { weight: 5, arbitrary: fc.array(fc.tuple(plainKey, plainJson), { maxLength: 5 }).map(object) },
  { weight: 3, arbitrary: fc.array(fc.tuple(hostileKey, hostileJson), { maxLength: 5 }).map(object) },
  { weight: 1, arbitrary: deepJson.map((tree) => object([['nested', tree]])) },
  { weight: 1, arbitrary: hostileJson },
);

/** A name field: usually one the policy knows, sometimes hostile, sometimes the wrong type. */
function nameLike(known: string[]): fc.Arbitrary<JsonText> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...known).map(str) },
    { weight: 2, arbitrary: oddName.map(str) },
    { weight: 1, arbitrary: plainString.map(str) },
    { weight: 1, arbitrary: hostileString.map(str) },
    { weight: 1, arbitrary: hostileJson },
  );
}

/** Present most of the time. */
const usually = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 10 });
/** Absent most of the time. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

/** A submission body: mostly the right shape with plain or hostile contents, sometimes anything at all. */
export const submissionBody: fc.Arbitrary<JsonText> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({
        agent_id: usually(nameLike(['bot', 'agent-7', 'marketing-prod'])),
        tool: usually(nameLike(['http', 'shell', 'stripe', 'ftp'])),
        operation: usually(nameLike(['get', 'run', 'refund', 'put'])),
        params: usually(paramsLike),
        context: usually(paramsLike),
        extra: rarely(hostileJson),
      })
      .map((record) =>
        object(Object.entries(record).filter((entry): entry is [string, JsonText] => entry[1] !== undefined)),
      ),
  },
  { weight: 1, arbitrary: hostileJson },
);

/** A request body as text: JSON (valid or hostile), nothing, or not JSON at all. */
export function bodyText(json: fc.Arbitrary<JsonText>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 10, arbitrary: json.map(toJsonText) },
    { weight: 1, arbitrary: fc.constantFrom('', '{', '{"a":NaN}', '[1,]', 'null', '"x"', '{"a":1}{"b":2}') },
  );
}

const two = (n: number) => String(n).padStart(2, '0');

/** RFC 3339-shaped timestamps at and beyond every field's edge, plus other date-ish text. */
export const timestampLike: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({
        year: fc.oneof(fc.constantFrom(0, 1, 1970, 2016, 2100, 9999), fc.integer({ min: 0, max: 9999 })),
        month: fc.oneof(fc.constantFrom(0, 2, 12, 13), fc.integer({ min: 1, max: 12 })),
        day: fc.oneof(fc.constantFrom(0, 28, 29, 30, 31, 32), fc.integer({ min: 1, max: 28 })),
        // The last second of a UTC day, where leap seconds live, as often as any other edge.
        time: fc.oneof(
          fc.constantFrom('23:59:60', '23:59:59', '00:00:00', '24:00:00', '23:60:00', '00:59:60'),
          fc
            .tuple(fc.constantFrom(0, 12, 23, 24), fc.constantFrom(0, 30, 59, 60), fc.constantFrom(0, 30, 59, 60, 61))
            .map(([h, m, sec]) => `${two(h)}:${two(m)}:${two(sec)}`),
        ),
        fraction: fc.constantFrom('', '', '.5', '.123', '.123456789', '.1234567890'),
        offset: fc.constantFrom(
          'Z',
          'Z',
          'Z',
          'z',
          '+00:00',
          '-00:00',
          '+01:00',
          '+05:30',
          '-23:59',
          '+24:00',
          '+0500',
          '',
        ),
        t: fc.constantFrom('T', 'T', 'T', 't', ' '),
      })
      .map(
        (d) =>
          `${String(d.year).padStart(4, '0')}-${two(d.month)}-${two(d.day)}${d.t}${d.time}${d.fraction}${d.offset}`,
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '+275760-09-13T00:00:00Z',
      '-000001-01-01T00:00:00Z',
      '2016-12-31',
      '1700000000000',
      'now',
    ),
  },
);

/** Percent-encodes text the way a client would, writing lone surrogates as their (invalid) UTF-8-style bytes. */
export function percentEncode(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`;
    } else {
      out += encodeURIComponent(char);
    }
  }
  return out;
}

/** A query value as it appears in the URL: encoded text, stray bytes and percent signs. */
export const queryValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: timestampLike.map(percentEncode) },
  { weight: 2, arbitrary: timestampLike.map((t) => t.replace('+', '%2B')) },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 3, arbitrary: hostileString.map(percentEncode) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '%FF',
      '%C0%80',
      '%ED%A0%80',
      '%00',
      '%',
      '%%',
      '%zz',
      '+',
      'a%2',
      '',
      '-1',
      '1.5',
      '0x10',
    ),
  },
);

/** A query string of known and unknown parameters (without the `?`). */
export function queryString(names: string[]): fc.Arbitrary<string> {
  const name = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...names) },
    { weight: 1, arbitrary: hostileString.map(percentEncode) },
  );
  return fc
    .array(fc.tuple(name, queryValue), { maxLength: 4 })
    .map((pairs) => pairs.map(([key, value]) => `${key}=${value}`).join('&'));
}
