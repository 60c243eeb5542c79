import { describe, expect, it } from 'vitest';
import { toStructural, UnstructuralSchemaError } from './structural.js';

describe('toStructural', () => {
  it.each([
    {
      why: 'drops $schema and additionalProperties:false (Kubernetes prunes unknown fields anyway)',
      input: { $schema: 'x', type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false },
      want: { type: 'object', properties: { a: { type: 'string' } } },
    },
    {
      why: 'turns a free-form map into x-kubernetes-preserve-unknown-fields',
      input: { type: 'object', additionalProperties: {} },
      want: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
    {
      why: 'keeps a typed map',
      input: { type: 'object', additionalProperties: { type: 'string' } },
      want: { type: 'object', additionalProperties: { type: 'string' } },
    },
    {
      why: 'keeps the safe-integer bounds zod adds to every int: zod refuses what lies beyond, so must the CRD',
      input: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
      want: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
    },
    {
      why: 'keeps real bounds',
      input: { type: 'integer', minimum: 0, maximum: 10 },
      want: { type: 'integer', minimum: 0, maximum: 10 },
    },
    {
      why: "keeps a date-time's pattern: zod tests the same one (Timestamp), so the two agree",
      input: { type: 'string', format: 'date-time', pattern: '^\\d{4}-.*$' },
      want: { type: 'string', format: 'date-time', pattern: '^\\d{4}-.*$' },
    },
    {
      why: 'turns const into a one-value enum',
      input: { type: 'string', const: 'x' },
      want: { type: 'string', enum: ['x'] },
    },
    {
      why: 'recurses into array items and nested properties',
      input: {
        type: 'array',
        items: {
          type: 'object',
          properties: { n: { type: 'integer', maximum: 9007199254740991 } },
          additionalProperties: false,
        },
      },
      want: {
        type: 'array',
        items: { type: 'object', properties: { n: { type: 'integer', maximum: 9007199254740991 } } },
      },
    },
    {
      why: 'passes CEL rules and list-map markers through',
      input: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-validations': [{ rule: 'true', message: 'm' }],
      },
      want: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-validations': [{ rule: 'true', message: 'm' }],
      },
    },
  ])('$why', ({ input, want }) => {
    expect(toStructural(input)).toEqual(want);
  });

  it.each([
    {
      why: 'a union of shapes',
      input: { type: 'object', properties: { a: { oneOf: [{ type: 'string' }, { type: 'integer' }] } } },
      at: '$.a',
    },
    { why: 'anyOf (zod unions)', input: { anyOf: [{ type: 'string' }] }, at: '$' },
    { why: 'a reference (recursive schema)', input: { type: 'object', properties: { a: { $ref: '#/x' } } }, at: '$.a' },
  ])('rejects $why, naming where', ({ input, at }) => {
    expect(() => toStructural(input)).toThrow(UnstructuralSchemaError);
    expect(() => toStructural(input)).toThrow(new RegExp(`^${at.replace(/[$.]/g, '\\$&')}:`));
  });
});
