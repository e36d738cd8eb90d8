import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { duplicateJsonKey } from '#shared/http/middleware/refuse-duplicate-keys.ts';

describe('duplicateJsonKey', () => {
  it.each([
    ['{"name":"a","name":"b"}', 'name'],
    ['{"a":{"x":1,"x":2}}', 'x'],
    ['[{"a":1},{"b":2,"b":3}]', 'b'],
    ['{"n\\u0061me":1,"name":2}', 'name'],
    ['{ "a" : 1 , "a" : 1 }', 'a'],
  ])('finds the duplicate in %s', (text, key) => {
    expect(duplicateJsonKey(text)).toBe(key);
  });

  it.each([
    '{"a":"a","b":"a"}',
    '{"a":{"a":{"a":1}}}',
    '[{"a":1},{"a":2}]',
    '{"a":["a","a"],"b":"\\"a\\":"}',
    '{"a":"x,\\"a\\":1"}',
  ])('accepts %s', (text) => {
    expect(duplicateJsonKey(text)).toBeUndefined();
  });

  it('never reports a duplicate in what JSON.stringify produces, and never throws on any text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => duplicateJsonKey(JSON.stringify(value)) === undefined),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        duplicateJsonKey(text);
      }),
      { numRuns: 500 },
    );
  });
});
