// field.Error (k8s.io/apimachinery/pkg/util/validation/field): the causes an apiserver's
// validation gives, worded as it words them. Shared by the structural rules (validation.ts) and
// the value rules (validation_fields.ts).
import type { StatusCause } from '../errors.js';
import { goQuote } from '../util/go.js';

/** How field.Error renders a bad value: strings %q, numbers/bools bare, nil → null, else the
 * caller passes a pre-rendered Go %#v string via GoValue. */
export class GoValue {
  constructor(public readonly text: string) {}
}

function render(v: unknown): string {
  if (v instanceof GoValue) return v.text;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export const required = (field: string, detail = ''): StatusCause => ({
  field,
  type: 'FieldValueRequired',
  message: detail ? `Required value: ${detail}` : 'Required value',
});
export const invalid = (field: string, value: unknown, detail: string): StatusCause => ({
  field,
  type: 'FieldValueInvalid',
  message: `Invalid value: ${render(value)}${detail ? `: ${detail}` : ''}`,
});
export const notSupported = (field: string, value: unknown, supported: string[]): StatusCause => ({
  field,
  type: 'FieldValueNotSupported',
  message: `Unsupported value: ${render(value)}${supported.length ? `: supported values: ${supported.map((s) => goQuote(s)).join(', ')}` : ''}`,
});
export const duplicate = (field: string, value: unknown): StatusCause => ({ field, type: 'FieldValueDuplicate', message: `Duplicate value: ${render(value)}` });
export const notFound = (field: string, value: unknown): StatusCause => ({ field, type: 'FieldValueNotFound', message: `Not found: ${render(value)}` });
export const forbidden = (field: string, detail: string): StatusCause => ({ field, type: 'FieldValueForbidden', message: `Forbidden: ${detail}` });
export const tooMany = (field: string, n: number, max: number): StatusCause => ({
  field,
  type: 'FieldValueTooMany',
  message: `Too many: ${n}: must have at most ${max} items`,
});

/** field.TooLong as of v1.32 (kubernetes#128553, merged for 1.32, changed the wording from
 * "must have at most N bytes" to this; the value itself is never shown). */
export const tooLong = (field: string, max: number): StatusCause => ({ field, type: 'FieldValueTooLong', message: `Too long: may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}` });
