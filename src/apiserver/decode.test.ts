// The apiserver's decoding, field by field: a battery generated from the API schema (every field
// of Job, CronJob, Pod and Service reached from the root, a wrong type for each, overflow and
// fractions for integers), each case's expected message computed from the rules encoding/json and
// the types' UnmarshalJSON methods follow; then the value rules of validation (negative,
// out-of-range, oversized) with the apiserver's messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeObject, decodeTyped, readable, validationDirective } from './decode.js';
import { apiSchema, definition, type PropSchema } from '../api/openapi/schema.js';
import { QUANTITY_FORMAT_ERROR } from './gojson.js';
import { prepareCreate } from './testing.js';
import { resourceForKind } from '../api/resources.js';
import { StatusError } from '../errors.js';
import type { KObject } from '../api/types.js';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const container = () => ({ name: 'c', image: 'busybox', command: ['true'] });
const BASES: Record<string, () => Record<string, any>> = {
  Job: () => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'x' }, spec: { template: { spec: { containers: [container()], restartPolicy: 'Never' } } } }),
  CronJob: () => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'x' },
    spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [container()], restartPolicy: 'OnFailure' } } } } },
  }),
  Pod: () => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [container()] } }),
  Service: () => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { ports: [{ port: 80 }] } }),
};

interface Step {
  key: string;
  /** array element: the path goes on at [0]; map value: at key "k" */
  into?: 'array' | 'map';
}
interface Leaf {
  steps: Step[];
  schema: PropSchema;
  /** Go struct holding the last field */
  struct: string;
  /** Go field names from the root */
  goPath: string[];
}

const short = (def: string) => definition(def).go.split('.').pop()!;

/** Every field reachable from a kind's root, each definition expanded once per path (no cycles), to a depth. */
function leaves(kind: string, maxDepth = 9): Leaf[] {
  const out: Leaf[] = [];
  const walk = (def: string, steps: Step[], goPath: string[], seen: Set<string>) => {
    const d = definition(def);
    for (const [key, s] of Object.entries(d.properties ?? {})) {
      if (key === 'apiVersion' || key === 'kind') continue;
      const here: Step[] = [...steps, { key }];
      const gp = [...goPath, key];
      out.push({ steps: here, schema: s, struct: short(def), goPath: gp });
      if (here.length >= maxDepth) continue;
      let inner = s;
      const last = here[here.length - 1];
      if (s.type === 'array' && s.items) {
        inner = s.items;
        last.into = 'array';
      } else if (s.type === 'object' && s.additionalProperties) {
        inner = s.additionalProperties;
        last.into = 'map';
      }
      const ref = inner.$ref;
      if (ref && definition(ref).properties && !seen.has(ref) && ref !== def) {
        walk(ref, here, gp, new Set([...seen, ref]));
      }
    }
  };
  const root = apiSchema().kinds[kind];
  walk(root, [], [], new Set([root]));
  return out;
}

/** A copy of base with value set at the steps (intermediate objects, one-element lists and maps made as needed). */
function withValue(base: Record<string, any>, steps: Step[], value: unknown): Record<string, any> {
  const obj = structuredClone(base);
  let cur: any = obj;
  steps.forEach((st, i) => {
    const lastStep = i === steps.length - 1;
    if (lastStep) {
      cur[st.key] = value;
      return;
    }
    if (st.into === 'array') {
      if (!Array.isArray(cur[st.key]) || cur[st.key].length === 0) cur[st.key] = [{}];
      if (typeof cur[st.key][0] !== 'object' || cur[st.key][0] === null) cur[st.key][0] = {};
      cur = cur[st.key][0];
    } else if (st.into === 'map') {
      if (typeof cur[st.key] !== 'object' || cur[st.key] === null || Array.isArray(cur[st.key])) cur[st.key] = {};
      cur[st.key].k ??= {};
      cur = cur[st.key].k;
    } else {
      if (typeof cur[st.key] !== 'object' || cur[st.key] === null || Array.isArray(cur[st.key])) cur[st.key] = {};
      cur = cur[st.key];
    }
  });
  return obj;
}

interface Case {
  name: string;
  kind: string;
  obj: Record<string, any>;
  expected: string;
}

/** encoding/json's UnmarshalTypeError text. */
const typeErr = (what: string, leaf: Leaf, goType: string) => `json: cannot unmarshal ${what} into Go struct field ${leaf.struct}.${leaf.goPath.join('.')} of type ${goType}`;

function casesFor(kind: string): Case[] {
  const cases: Case[] = [];
  const prefix = (m: string) => `${kind} in version "v1" cannot be handled as a ${kind}: ${m}`;
  for (const leaf of leaves(kind)) {
    const s = leaf.schema;
    const label = leaf.steps.map((x) => x.key).join('.');
    const add = (what: string, value: unknown, message: string) =>
      cases.push({ name: `${kind} ${label} ${what}`, kind, obj: withValue(BASES[kind](), leaf.steps, value), expected: prefix(message) });
    if (s.$ref) {
      const ref = s.$ref;
      if (ref.endsWith('resource.Quantity')) {
        add('bool', true, QUANTITY_FORMAT_ERROR);
        add('object', {}, QUANTITY_FORMAT_ERROR);
      } else if (ref.endsWith('intstr.IntOrString')) {
        add('bool', true, typeErr('bool', leaf, 'int32'));
        add('overflow', 2147483648, typeErr('number 2147483648', leaf, 'int32'));
        add('fraction', 1.5, typeErr('number 1.5', leaf, 'int32'));
      } else if (ref.endsWith('meta.v1.Time') || ref.endsWith('meta.v1.MicroTime')) {
        add('number', 5, typeErr('number', leaf, 'string'));
        const layout = ref.endsWith('MicroTime') ? '2006-01-02T15:04:05.000000Z07:00' : '2006-01-02T15:04:05Z07:00';
        add('unparsable', 'yesterday', `parsing time "yesterday" as "${layout}": cannot parse "yesterday" as "2006"`);
      } else if (ref.endsWith('FieldsV1')) {
        // any JSON
      } else {
        add('string', 'x', typeErr('string', leaf, s.go));
        add('array', [], typeErr('array', leaf, s.go));
      }
      continue;
    }
    switch (s.type) {
      case 'string':
        if (s.format === 'byte') {
          add('bad base64', '!!!!', 'illegal base64 data at input byte 0');
          add('number', 5, typeErr('number', leaf, s.go));
        } else {
          add('number', 5, typeErr('number', leaf, s.go));
          add('bool', true, typeErr('bool', leaf, s.go));
          add('object', { a: 1 }, typeErr('object', leaf, s.go));
        }
        break;
      case 'integer': {
        const over = s.format === 'int32' ? '2147483648' : '10000000000000000000';
        add('string', '3', typeErr('string', leaf, s.go));
        add('fraction', 1.5, typeErr('number 1.5', leaf, s.go));
        add('overflow', Number(over), typeErr(`number ${over}`, leaf, s.go));
        if (s.format === 'int32') add('negative overflow', -2147483649, typeErr('number -2147483649', leaf, s.go));
        add('bool', false, typeErr('bool', leaf, s.go));
        break;
      }
      case 'number':
        add('string', '1.5', typeErr('string', leaf, s.go));
        break;
      case 'boolean':
        add('string', 'true', typeErr('string', leaf, s.go));
        add('number', 1, typeErr('number', leaf, s.go));
        break;
      case 'array':
        add('object', {}, typeErr('object', leaf, s.go));
        add('string', 'x', typeErr('string', leaf, s.go));
        break;
      case 'object':
        if (s.additionalProperties) {
          add('array', [], typeErr('array', leaf, s.go));
          add('number', 5, typeErr('number', leaf, s.go));
        }
        break;
    }
  }
  return cases;
}

const ALL = ['Job', 'CronJob', 'Pod', 'Service'].flatMap(casesFor);

test(`the generated battery has cases for every field (${ALL.length})`, () => {
  assert.ok(ALL.length >= 300, `${ALL.length} cases`);
  for (const kind of Object.keys(BASES)) {
    // each base decodes cleanly
    assert.deepEqual(decodeTyped(kind, BASES[kind](), 'Strict').error, undefined);
  }
});

test('the fast pass decodes as the exact pass: the same object, warnings and error, in every mode', () => {
  const fixtures = path.join(import.meta.dirname, '..', '..', 'fixtures');
  const manifests = fs
    .readdirSync(fixtures)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(fixtures, f), 'utf8')).map((d) => d.toJS() as Record<string, unknown>))
    .filter((o) => o && typeof o.kind === 'string' && resourceForKind(o.kind as string));
  const objects = [
    ...manifests.map((o) => ({ kind: o.kind as string, obj: o })),
    ...Object.keys(BASES).map((kind) => ({ kind, obj: BASES[kind]() })),
    ...ALL.map((c) => ({ kind: c.kind, obj: c.obj })),
    // unknown fields, and a map and a list on the way to them
    { kind: 'Pod', obj: { ...BASES.Pod(), zeta: 1, alpha: 2, metadata: { name: 'p', labels: { b: 'x', a: 'y' }, extra: true } } },
    // empty lists and maps (omitEmpty), nulls, and times
    { kind: 'Pod', obj: { ...BASES.Pod(), metadata: { name: 'p', labels: {}, finalizers: [], creationTimestamp: null }, status: { conditions: [], startTime: '2026-01-02T03:04:05Z' } } },
  ];
  assert.ok(manifests.length >= 20, `${manifests.length} fixture objects`);
  let fast = 0;
  for (const { kind, obj } of objects) {
    for (const validation of ['Strict', 'Warn', 'Ignore'] as const) {
      for (const opts of [{}, { keepNullTimes: true, omitEmpty: true }, { share: true }, { keepNullTimes: true, omitEmpty: true, share: true }]) {
        const what = `${kind} ${validation} ${JSON.stringify(opts)}: ${JSON.stringify(obj).slice(0, 200)}`;
        const exact = decodeTyped(kind, structuredClone(obj), validation, { ...opts, pass: 'exact' });
        const input = structuredClone(obj);
        const both = decodeTyped(kind, input, validation, opts);
        assert.deepEqual(both, exact, what);
        assert.deepEqual(input, obj, `${what}: the input is not changed, shared or not`);
        // the same order of fields, too
        assert.equal(JSON.stringify(both), JSON.stringify(exact));
        // The fast pass itself decodes what has nothing to report (it decodes strictly), and
        // what it returns otherwise is the exact pass's too.
        const alone = decodeTyped(kind, structuredClone(obj), validation, { ...opts, pass: 'fast' });
        if (decodeTyped(kind, structuredClone(obj), 'Strict', { ...opts, pass: 'exact' }).error === undefined) {
          assert.equal(JSON.stringify(alone), JSON.stringify(exact), what);
          fast++;
        } else if (alone.result) assert.equal(JSON.stringify(alone), JSON.stringify(exact), what);
      }
    }
  }
  assert.ok(fast > 100, `${fast} objects decoded by the fast pass`);
});

test("share: an object that decodes to itself is returned itself; what decoding changes is copied, the rest shared", () => {
  const pod = { ...BASES.Pod(), metadata: { name: 'p', labels: { a: 'b' } } } as Record<string, unknown>;
  const typed = decodeTyped('Pod', pod, 'Strict', { share: true }).result!.object;
  assert.equal(typed, pod);
  assert.notEqual(decodeTyped('Pod', pod, 'Strict').result!.object, pod, 'copied without share');
  // A null label value (Go's zero value: "") and an empty list dropped (omitEmpty): those paths are
  // copies, the input keeps its own values, and the spec is shared.
  const odd = { ...pod, metadata: { name: 'p', labels: { a: null }, finalizers: [] } } as Record<string, unknown>;
  const out = decodeTyped('Pod', odd, 'Strict', { share: true, omitEmpty: true }).result!.object as typeof odd & { metadata: Record<string, unknown> };
  assert.deepEqual(out.metadata, { name: 'p', labels: { a: '' } });
  assert.deepEqual(odd.metadata, { name: 'p', labels: { a: null }, finalizers: [] });
  assert.equal(out.spec, pod.spec);
});

test('a wrong type in any field is refused with encoding/json\'s message', () => {
  const failures: string[] = [];
  for (const c of ALL) {
    let got: string;
    try {
      decodeObject(c.kind, c.obj);
      got = '(accepted)';
    } catch (e) {
      got = e instanceof StatusError ? e.message : String(e);
    }
    if (got !== c.expected) failures.push(`${c.name}\n   want ${c.expected}\n   got  ${got}`);
  }
  assert.equal(failures.length, 0, `${failures.length} of ${ALL.length} differ:\n${failures.slice(0, 20).join('\n')}`);
});

// ---------------------------------------------------------------- hand-picked messages

const decodeMsg = (kind: string, obj: Record<string, any>, v: 'Strict' | 'Warn' | 'Ignore' = 'Strict') => {
  try {
    const r = decodeObject(kind, obj, v);
    return { object: r.object, warnings: r.warnings };
  } catch (e) {
    return { error: (e as Error).message };
  }
};

test('the issue\'s cases, word for word', () => {
  const job = (spec: Record<string, unknown>) => ({ ...BASES.Job(), spec: { ...BASES.Job().spec, ...spec } });
  const pre = 'Job in version "v1" cannot be handled as a Job: ';
  assert.equal(decodeMsg('Job', job({ completions: '3' })).error, `${pre}json: cannot unmarshal string into Go struct field JobSpec.spec.completions of type int32`);
  assert.equal(decodeMsg('Job', job({ completions: 1.5 })).error, `${pre}json: cannot unmarshal number 1.5 into Go struct field JobSpec.spec.completions of type int32`);
  assert.equal(decodeMsg('Job', job({ completions: 2147483648 })).error, `${pre}json: cannot unmarshal number 2147483648 into Go struct field JobSpec.spec.completions of type int32`);
  assert.equal(decodeMsg('Job', job({ suspend: 'true' })).error, `${pre}json: cannot unmarshal string into Go struct field JobSpec.spec.suspend of type bool`);
  const env = job({ template: { spec: { containers: [{ name: 'c', image: 'i', env: {} }], restartPolicy: 'Never' } } });
  assert.equal(decodeMsg('Job', env).error, `${pre}json: cannot unmarshal object into Go struct field Container.spec.template.spec.containers.env of type []v1.EnvVar`);
  assert.equal(decodeMsg('Job', job({ foo: 1 })).error, `${pre}strict decoding error: unknown field "spec.foo"`);
  // several unknown fields: sorted as kubectl's JSON orders keys, joined with ", "
  assert.equal(decodeMsg('Job', job({ zeta: 1, foo: 1, template: { spec: { containers: [{ name: 'c', image: 'i', imagePullPolice: 'x' }], restartPolicy: 'Never' } } })).error,
    `${pre}strict decoding error: unknown field "spec.foo", unknown field "spec.template.spec.containers[0].imagePullPolice", unknown field "spec.zeta"`);
  // a type error wins over unknown fields, and a fatal (UnmarshalJSON) error over an earlier type error
  assert.equal(decodeMsg('Job', job({ foo: 1, parallelism: 'x' })).error, `${pre}json: cannot unmarshal string into Go struct field JobSpec.spec.parallelism of type int32`);
  const q = job({ activeDeadlineSeconds: 'x', template: { spec: { containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: '1kk' } } }], restartPolicy: 'Never' } } });
  assert.equal(decodeMsg('Job', q).error, `${pre}unable to parse quantity's suffix`);
  // Warn and Ignore: the field is dropped
  const w = decodeMsg('Job', job({ foo: 1 }), 'Warn');
  assert.deepEqual(w.warnings, ['unknown field "spec.foo"']);
  assert.equal((w.object as any).spec.foo, undefined);
  const i = decodeMsg('Job', job({ foo: 1 }), 'Ignore');
  assert.deepEqual(i.warnings, []);
  assert.equal((i.object as any).spec.foo, undefined);
});

test('null leaves the zero value; numbers that are integers in Go\'s JSON are integers', () => {
  const j = BASES.Job();
  j.spec.completions = null;
  j.spec.parallelism = 2.0;
  j.metadata.creationTimestamp = null;
  j.spec.template.spec.containers[0].args = ['a', null];
  const r = decodeObject('Job', j);
  assert.equal('completions' in (r.object as any).spec, false);
  assert.equal((r.object as any).spec.parallelism, 2);
  assert.equal('creationTimestamp' in (r.object as any).metadata, false);
  assert.deepEqual((r.object as any).spec.template.spec.containers[0].args, ['a', '']);
});

test('quantities: ParseQuantity\'s three errors; numbers become strings', () => {
  const pod = (cpu: unknown) => ({ ...BASES.Pod(), spec: { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu } } }] } });
  const pre = 'Pod in version "v1" cannot be handled as a Pod: ';
  assert.equal(decodeMsg('Pod', pod('1kk')).error, `${pre}unable to parse quantity's suffix`);
  assert.equal(decodeMsg('Pod', pod('1x')).error, `${pre}${QUANTITY_FORMAT_ERROR}`);
  assert.equal(decodeMsg('Pod', pod('')).error, `${pre}${QUANTITY_FORMAT_ERROR}`);
  assert.equal(decodeMsg('Pod', pod('1.5.5')).error, `${pre}${QUANTITY_FORMAT_ERROR}`);
  assert.equal(decodeMsg('Pod', pod('99999999999999999999e99999999999999999999')).error, `${pre}unable to parse quantity's suffix`);
  for (const ok of ['100m', '1.5', '2Gi', '1e3', '.5', '+1', '-1', '0']) assert.equal(decodeMsg('Pod', pod(ok)).error, undefined, ok);
  assert.equal((decodeMsg('Pod', pod(2)).object as any).spec.containers[0].resources.requests.cpu, '2');
});

test('Secret data is base64 (encoding/base64\'s message); unknown kinds of data are refused', () => {
  const s = (data: unknown) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data });
  const pre = 'Secret in version "v1" cannot be handled as a Secret: ';
  assert.equal(decodeMsg('Secret', s({ a: 'aGVsbG8=' })).error, undefined);
  assert.equal(decodeMsg('Secret', s({ a: 'aGVsbG8' })).error, `${pre}illegal base64 data at input byte 4`);
  assert.equal(decodeMsg('Secret', s({ a: 'aGVs*G8=' })).error, `${pre}illegal base64 data at input byte 4`);
  assert.equal(decodeMsg('Secret', s({ a: 5 })).error, `${pre}json: cannot unmarshal number into Go struct field Secret.data of type []uint8`);
});

test('times: time.Parse\'s messages', () => {
  const j = (t: unknown) => ({ ...BASES.Job(), status: { startTime: t } });
  const pre = 'Job in version "v1" cannot be handled as a Job: parsing time ';
  assert.equal(decodeMsg('Job', j('2024-01-01T00:00:00Z')).error, undefined);
  assert.equal(decodeMsg('Job', j('2024-01-01T00:00:00.5+02:00')).error, undefined);
  assert.equal(decodeMsg('Job', j('2024-01-01')).error, `${pre}"2024-01-01" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"`);
  assert.equal(decodeMsg('Job', j('2024-13-01T00:00:00Z')).error, `${pre}"2024-13-01T00:00:00Z": month out of range`);
  assert.equal(decodeMsg('Job', j('2024-02-30T00:00:00Z')).error, `${pre}"2024-02-30T00:00:00Z": day out of range`);
  assert.equal(decodeMsg('Job', j('2024-01-01T00:00:00Zjunk')).error, `${pre}"2024-01-01T00:00:00Zjunk": extra text: "junk"`);
});

test('--validate as kubectl reads it', () => {
  assert.equal(validationDirective(undefined), 'Strict');
  assert.equal(validationDirective(true), 'Strict');
  for (const v of ['strict', 'true', 'True', '1', 't']) assert.equal(validationDirective(v), 'Strict');
  for (const v of ['false', 'ignore', '0', 'F']) assert.equal(validationDirective(v), 'Ignore');
  assert.equal(validationDirective('warn'), 'Warn');
  assert.throws(() => validationDirective('yes'), { message: 'error: invalid - validate option "yes"; must be one of: strict (or true), warn, ignore (or false)' });
});

test('readable(): a stored object of the wrong shape reads with the right types', () => {
  const bad = { ...BASES.Job(), metadata: { name: 'x', annotations: 5, labels: { a: 1 } }, spec: { completions: '3', suspend: 'true', parallelism: 'many', template: 'x' } };
  const r = readable('Job', bad) as any;
  assert.equal(r.spec.completions, 3);
  assert.equal(r.spec.suspend, true);
  assert.equal('parallelism' in r.spec, false);
  assert.equal('template' in r.spec, false);
  assert.equal('annotations' in r.metadata, false);
  assert.deepEqual(r.metadata.labels, { a: '1' });
  const good = BASES.Job();
  assert.deepEqual(readable('Job', good), good);
  // A map's values read leniently too: a null one left out, as Go's map leaves it; a map whose
  // values all read as they are is the same object.
  const mixed = readable('Job', { ...BASES.Job(), metadata: { name: 'x', labels: { a: 'b', n: null, k: 2 } } }) as any;
  assert.deepEqual(mixed.metadata.labels, { a: 'b', k: '2' });
  const fine = { ...BASES.Job(), metadata: { name: 'x', labels: { a: 'b' } } };
  assert.equal((readable('Job', fine) as any).metadata.labels, fine.metadata.labels);
});

// ---------------------------------------------------------------- validation: signs, ranges, sizes

function validationMessage(kind: string, manifest: Record<string, any>): string {
  const m = structuredClone(manifest) as KObject;
  m.metadata.namespace ??= 'default';
  try {
    prepareCreate(resourceForKind(kind)!, m);
    return '(valid)';
  } catch (e) {
    return (e as StatusError).kubectlMessage();
  }
}

const VALUE_CASES: [string, string, (o: any) => void, string][] = [
  ['Job', 'negative parallelism', (o) => (o.spec.parallelism = -1), 'spec.parallelism: Invalid value: -1: must be greater than or equal to 0'],
  ['Job', 'negative completions', (o) => (o.spec.completions = -1), 'spec.completions: Invalid value: -1: must be greater than or equal to 0'],
  ['Job', 'negative backoffLimit', (o) => (o.spec.backoffLimit = -3), 'spec.backoffLimit: Invalid value: -3: must be greater than or equal to 0'],
  ['Job', 'negative activeDeadlineSeconds', (o) => (o.spec.activeDeadlineSeconds = -5), 'spec.activeDeadlineSeconds: Invalid value: -5: must be greater than or equal to 0'],
  ['Job', 'negative ttlSecondsAfterFinished', (o) => (o.spec.ttlSecondsAfterFinished = -1), 'spec.ttlSecondsAfterFinished: Invalid value: -1: must be greater than or equal to 0'],
  ['Job', 'annotations over 256 KiB', (o) => (o.metadata.annotations = { big: 'x'.repeat(300 * 1024) }), 'metadata.annotations: Too long: may not be more than 262144 bytes'],
  ['Job', 'template annotations over 256 KiB', (o) => (o.spec.template.metadata = { annotations: { big: 'x'.repeat(262142) } }), 'spec.template.annotations: Too long: may not be more than 262144 bytes'],
  ['Job', 'env name not ASCII', (o) => (o.spec.template.spec.containers[0].env = [{ name: 'ЁЁ', value: 'x' }]),
    `spec.template.spec.containers[0].env[0].name: Invalid value: "ЁЁ": a valid environment variable name must consist only of printable ASCII characters other than '='`],
  ['Job', 'env name with =', (o) => (o.spec.template.spec.containers[0].env = [{ name: 'A=B' }]),
    `spec.template.spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`],
  ['Job', 'container port 0..65535', (o) => (o.spec.template.spec.containers[0].ports = [{ containerPort: 70000 }]), 'spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive'],
  ['Job', 'negative hostPort', (o) => (o.spec.template.spec.containers[0].ports = [{ containerPort: 80, hostPort: -1 }]), 'spec.template.spec.containers[0].ports[0].hostPort: Invalid value: -1: must be between 1 and 65535, inclusive'],
  ['Job', 'port name too long', (o) => (o.spec.template.spec.containers[0].ports = [{ containerPort: 80, name: 'abcdefghijklmnop' }]), 'spec.template.spec.containers[0].ports[0].name: Invalid value: "abcdefghijklmnop": must be no more than 15 characters'],
  ['Job', 'negative probe period', (o) => (o.spec.template.spec.containers[0].livenessProbe = { exec: { command: ['true'] }, periodSeconds: -1 }), 'spec.template.spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0'],
  ['Job', 'negative runAsUser', (o) => (o.spec.template.spec.containers[0].securityContext = { runAsUser: -1 }), 'spec.template.spec.containers[0].securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive'],
  ['Job', 'negative fsGroup', (o) => (o.spec.template.spec.securityContext = { fsGroup: -7 }), 'spec.template.spec.securityContext.fsGroup: Invalid value: -7: must be between 0 and 2147483647, inclusive'],
  ['Job', 'negative cpu', (o) => (o.spec.template.spec.containers[0].resources = { limits: { cpu: '-1' } }), 'spec.template.spec.containers[0].resources.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0'],
  ['Job', 'secret defaultMode over 0777', (o) => (o.spec.template.spec.volumes = [{ name: 'v', secret: { secretName: 's', defaultMode: 1000 } }]), 'spec.template.spec.volumes[0].secret.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive'],
  ['Job', 'image with spaces', (o) => (o.spec.template.spec.containers[0].image = ' busybox'), 'spec.template.spec.containers[0].image: Invalid value: " busybox": must not have leading or trailing whitespace'],
  ['Job', 'name over 253', (o) => (o.metadata.name = 'a'.repeat(254)), 'metadata.name: Invalid value: "' + 'a'.repeat(254) + '": must be no more than 253 characters'],
  ['Job', 'label value over 63', (o) => (o.metadata.labels = { a: 'b'.repeat(64) }), 'metadata.labels: Invalid value: "' + 'b'.repeat(64) + '": must be no more than 63 characters'],
  ['CronJob', 'negative startingDeadlineSeconds', (o) => (o.spec.startingDeadlineSeconds = -1), 'spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0'],
  ['CronJob', 'negative successfulJobsHistoryLimit', (o) => (o.spec.successfulJobsHistoryLimit = -1), 'spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0'],
  ['CronJob', 'negative failedJobsHistoryLimit', (o) => (o.spec.failedJobsHistoryLimit = -2), 'spec.failedJobsHistoryLimit: Invalid value: -2: must be greater than or equal to 0'],
  ['CronJob', 'negative template parallelism', (o) => (o.spec.jobTemplate.spec.parallelism = -1), 'spec.jobTemplate.spec.parallelism: Invalid value: -1: must be greater than or equal to 0'],
  ['CronJob', 'name over 52', (o) => (o.metadata.name = 'a'.repeat(53)), 'metadata.name: Invalid value: "' + 'a'.repeat(53) + '": must be no more than 52 characters'],
  ['CronJob', 'annotations over 256 KiB', (o) => (o.metadata.annotations = { big: 'x'.repeat(262145) }), 'metadata.annotations: Too long: may not be more than 262144 bytes'],
  ['Pod', 'activeDeadlineSeconds 0', (o) => (o.spec.activeDeadlineSeconds = 0), 'spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive'],
  ['Pod', 'negative activeDeadlineSeconds', (o) => (o.spec.activeDeadlineSeconds = -1), 'spec.activeDeadlineSeconds: Invalid value: -1: must be between 1 and 2147483647, inclusive'],
  ['Pod', 'supplementalGroups', (o) => (o.spec.securityContext = { supplementalGroups: [1, -1] }), 'spec.securityContext.supplementalGroups[1]: Invalid value: -1: must be between 0 and 2147483647, inclusive'],
  ['Pod', 'unknown resource name', (o) => (o.spec.containers[0].resources = { requests: { gpu: '1' } }), 'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified'],
  ['Pod', 'probe port 0', (o) => (o.spec.containers[0].readinessProbe = { httpGet: { path: '/', port: 0 } }), 'spec.containers[0].readinessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive'],
  ['Pod', 'maxSkew 0', (o) => (o.spec.topologySpreadConstraints = [{ maxSkew: 0, topologyKey: 'k', whenUnsatisfiable: 'DoNotSchedule' }]), 'spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero'],
  ['Pod', 'affinity weight 101', (o) => (o.spec.affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 101, preference: {} }] } }), 'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 101: must be in the range 1-100'],
  ['Service', 'session affinity timeout', (o) => ((o.spec.sessionAffinity = 'ClientIP'), (o.spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 86401 } })), 'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400'],
  ['Service', 'port 70000', (o) => (o.spec.ports = [{ port: 70000, targetPort: 80 }]), 'spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive'],
  ['Service', 'negative port', (o) => (o.spec.ports = [{ port: -1, targetPort: 80 }]), 'spec.ports[0].port: Invalid value: -1: must be between 1 and 65535, inclusive'],
  ['Service', 'targetPort 70000', (o) => (o.spec.ports = [{ port: 80, targetPort: 70000 }]), 'spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive'],
  ['Service', 'named targetPort too long', (o) => (o.spec.ports = [{ port: 80, targetPort: 'abcdefghijklmnop' }]), 'spec.ports[0].targetPort: Invalid value: "abcdefghijklmnop": must be no more than 15 characters'],
  ['Service', 'nodePort on ClusterIP', (o) => (o.spec.ports = [{ port: 80, nodePort: 30001 }]), "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
  ['Service', 'nodePort 70000', (o) => ((o.spec.type = 'NodePort'), (o.spec.ports = [{ port: 80, nodePort: 70000 }])), 'spec.ports[0].nodePort: Invalid value: 70000: must be between 1 and 65535, inclusive'],
  ['Service', 'name not DNS-1035', (o) => (o.metadata.name = '1abc'), `metadata.name: Invalid value: "1abc": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`],
];

for (const [kind, what, mutate, expected] of VALUE_CASES) {
  test(`validation: ${kind} ${what}`, () => {
    const o = BASES[kind]();
    mutate(o);
    const msg = validationMessage(kind, o);
    if (expected === '(valid)') assert.equal(msg, expected);
    else assert.ok(msg.includes(expected), `want …${expected}…\ngot ${msg.slice(0, 600)}`);
  });
}
