// The apiserver's request paths over a real store on a fake clock: create (system fields,
// generateName, namespaces), update and status, patch, graceful deletion, finalizers and
// propagation, list with label and field selectors, watch.
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../api/types.js';
import { resourceForKind } from '../api/resources.js';
import { StatusError } from '../errors.js';
import { openTestAPI, type TestAPI } from './testing.js';
import { LocalAPIServer, MAX_REQUEST_BYTES, mustDecode, mustDecodeStatusUpdate } from './apiserver.js';
import { strategyFor } from './registry/index.js';

const JOBS = resourceForKind('Job')!;
const PODS = resourceForKind('Pod')!;
const NS = resourceForKind('Namespace')!;
const CMS = resourceForKind('ConfigMap')!;
const EVENTS = resourceForKind('Event')!;
const T0 = '2026-11-23T12:00:00Z';

let t: TestAPI;
beforeEach(() => {
  t = openTestAPI('apiserver', T0);
});
afterEach(() => t.dispose());

const job = (name: string, extra: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, ...((extra.metadata as object) ?? {}) },
  spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Never' } }, ...((extra.spec as object) ?? {}) },
});

const pod = (name: string, o: { nodeName?: string; grace?: number; finalizers?: string[]; labels?: Record<string, string>; generateName?: string } = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { ...(name ? { name } : {}), ...(o.generateName ? { generateName: o.generateName } : {}), ...(o.finalizers ? { finalizers: o.finalizers } : {}), ...(o.labels ? { labels: o.labels } : {}) },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...(o.nodeName ? { nodeName: o.nodeName } : {}), ...(o.grace !== undefined ? { terminationGracePeriodSeconds: o.grace } : {}) },
});

function failure(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  assert.fail('expected a StatusError');
}

/** What the kubelet would write: a pod's phase, through the status subresource. */
function setPhase(name: string, phase: string): KObject {
  const p = t.api.get(PODS, 'default', name);
  return t.api.updateStatus(PODS, 'default', name, { ...p, status: { ...p.status, phase } }).object;
}

describe('create', () => {
  test('system fields: namespace, uid, creationTimestamp, resourceVersion; generation 1 for Jobs, none for pods', () => {
    const { object: j } = t.api.create(JOBS, undefined, job('pi'));
    assert.equal(j.metadata.namespace, 'default');
    assert.match(j.metadata.uid!, /^[0-9a-f-]{36}$/);
    assert.equal(j.metadata.creationTimestamp, T0);
    assert.equal(j.metadata.resourceVersion, String(t.store.currentRV()));
    assert.equal(j.metadata.generation, 1);
    assert.deepEqual(j.status, {});
    assert.equal(j.spec.selector.matchLabels['batch.kubernetes.io/controller-uid'], j.metadata.uid);
    const { object: p } = t.api.create(PODS, 'default', { ...pod('p'), metadata: { name: 'p', uid: 'mine', generation: 9 } });
    assert.notEqual(p.metadata.uid, 'mine', 'a client does not choose the uid');
    assert.equal(p.metadata.generation, undefined);
    assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'BestEffort' });
    assert.equal(p.spec.serviceAccountName, 'default', 'admitted');
  });

  test('generateName: a name with five random characters, the base cut to 58; a Job gets its labels from it', () => {
    const a = t.api.create(PODS, 'default', pod('', { generateName: 'pi-' })).object;
    const b = t.api.create(PODS, 'default', pod('', { generateName: 'pi-' })).object;
    assert.match(a.metadata.name!, /^pi-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.notEqual(a.metadata.name, b.metadata.name);
    const long = t.api.create(PODS, 'default', pod('', { generateName: 'x'.repeat(70) })).object;
    assert.equal(long.metadata.name!.length, 63);
    const j = t.api.create(JOBS, 'default', { ...job(''), metadata: { generateName: 'gen-' } }).object;
    assert.match(j.metadata.name!, /^gen-[a-z0-9]{5}$/);
    assert.equal(j.spec.template.metadata.labels['job-name'], j.metadata.name);
    assert.equal(j.metadata.labels!['batch.kubernetes.io/job-name'], j.metadata.name);
  });

  test('no name and no generateName: Invalid; a taken name: AlreadyExists', () => {
    const e = failure(() => t.api.create(JOBS, 'default', job('')));
    assert.equal(e.kubectlMessage(), 'The Job "" is invalid: metadata.name: Required value: name or generateName is required');
    t.api.create(JOBS, 'default', job('pi'));
    assert.equal(failure(() => t.api.create(JOBS, 'default', job('pi'))).message, 'jobs.batch "pi" already exists');
  });

  test('decoding: strict by default, warnings with Warn; a body for another namespace is refused', () => {
    const bad = job('x', { spec: { foo: 1 } });
    assert.equal(failure(() => t.api.create(JOBS, 'default', bad)).message, 'Job in version "v1" cannot be handled as a Job: strict decoding error: unknown field "spec.foo"');
    const r = t.api.create(JOBS, 'default', bad, { fieldValidation: 'Warn' });
    assert.deepEqual(r.warnings, ['unknown field "spec.foo"']);
    assert.equal(r.object.spec.foo, undefined);
    const other = { ...job('y'), metadata: { name: 'y', namespace: 'team' } };
    assert.equal(failure(() => t.api.create(JOBS, 'default', other)).message, 'the namespace of the provided object does not match the namespace sent on the request');
  });

  test("typed clients (the engine's): a body is stored as built, not decoded; the test suite's check refuses, as a bug, one that decoding would change or refuse", () => {
    const typed = (checkTypedWrites: boolean) => new LocalAPIServer(t.store, { clock: t.clock, typedClients: true, checkTypedWrites });
    const body = job('typed', { spec: { completions: 2, template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Never' } } } });
    const a = typed(false).create(JOBS, 'default', body).object;
    const b = t.api.create(JOBS, 'default', { ...body, metadata: { name: 'strict' } }).object;
    const same = (o: KObject) => ({ ...o, metadata: { ...o.metadata, name: '', uid: '', resourceVersion: '', labels: {} }, spec: { ...o.spec, selector: {}, template: { ...o.spec.template, metadata: {} } } });
    assert.deepEqual(same(a), same(b), 'what a typed client built decodes to itself');
    assert.deepEqual(same(typed(true).create(JOBS, 'default', { ...body, metadata: { name: 'checked' } }).object), same(b));
    // An empty list Go's omitempty leaves out, a value of the wrong type, an unknown field.
    const emptyArgs = job('empty-args', { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox', args: [] }], restartPolicy: 'Never' } } } });
    assert.throws(() => typed(true).create(JOBS, 'default', emptyArgs), /^Error: kjob: this is a bug: a typed client wrote an object \(Job\) that decoding changes: .*"args":\[\]/);
    assert.throws(() => typed(true).create(JOBS, 'default', job('bad', { spec: { completions: '2' } })), /^Error: kjob: this is a bug: a typed client wrote an object \(Job\) that decoding refuses: .*cannot unmarshal string into Go struct field JobSpec\.spec\.completions of type int32/);
    assert.throws(() => typed(true).create(JOBS, 'default', job('bad', { spec: { foo: 1 } })), /decoding refuses: .*unknown field "spec\.foo"/);
    assert.equal(t.store.get('Job', 'default', 'bad'), undefined);
    assert.equal(t.store.get('Job', 'default', 'empty-args'), undefined);
    // A member a strategy left undefined: not in the stored text, it would be in the object kept
    // as the version's (a body's own are gone with its copy). Asked of the check directly.
    const checked = typed(true) as unknown as { asStored(info: typeof JOBS, obj: KObject, decode: () => KObject): KObject };
    const built = { ...job('u'), spec: { suspend: undefined } } as KObject;
    assert.throws(() => checked.asStored(JOBS, built, () => job('u')), /^Error: kjob: this is a bug: a typed client wrote an object \(Job\) with a member left undefined: suspend$/);
    // Without the check, what the client built is what is stored.
    assert.deepEqual(typed(false).create(JOBS, 'default', emptyArgs).object.spec.template.spec.containers[0].args, []);
    // Users' bodies are decoded as ever: the CLI's apiserver is not a typed client's.
    assert.match(failure(() => t.api.create(JOBS, 'default', job('bad', { spec: { completions: '2' } }))).message, /cannot unmarshal string into Go struct field JobSpec\.spec\.completions of type int32/);
  });

  test('NamespaceLifecycle: the namespace must exist and not be terminating; default and friends cannot be deleted', () => {
    const e = failure(() => t.api.create(JOBS, 'team', job('pi')));
    assert.equal(e.kubectlMessage(), 'Error from server (NotFound): namespaces "team" not found');
    t.api.create(NS, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    assert.equal(t.api.create(JOBS, 'team', job('pi')).object.metadata.namespace, 'team');
    const ns = t.api.get(NS, undefined, 'team');
    t.api.updateStatus(NS, undefined, 'team', { ...ns, status: { phase: 'Terminating' } });
    assert.equal(
      failure(() => t.api.create(PODS, 'team', pod('', { generateName: 'p-' }))).kubectlMessage(),
      'Error from server (Forbidden): pods "p-" is forbidden: unable to create new content in namespace team because it is being terminated',
    );
    t.api.create(NS, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    assert.equal(failure(() => t.api.delete(NS, undefined, 'default')).kubectlMessage(), 'Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted');
  });

  test('the Job name warning; dry run stores nothing; a body over 3 MiB is too large', () => {
    const r = t.api.create(JOBS, 'default', job('a.b'));
    assert.match(r.warnings[0], /^metadata\.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: \[must not contain dots\]$/);
    const rv = t.store.currentRV();
    const d = t.api.create(JOBS, 'default', job('dry'), { dryRun: true });
    assert.equal(d.object.metadata.name, 'dry');
    assert.equal(t.store.currentRV(), rv);
    const big = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { a: 'x'.repeat(MAX_REQUEST_BYTES) } };
    assert.equal(failure(() => t.api.create(CMS, 'default', big)).kubectlMessage(), 'Error from server (RequestEntityTooLarge): Request entity too large: limit is 3145728');
  });
});

describe('getShared', () => {
  test("a lister's object: the same frozen object while its version stands, a new one once it changes, none once deleted", () => {
    t.api.create(JOBS, 'default', job('pi'));
    const a = t.api.getShared(JOBS, undefined, 'pi')!;
    assert.equal(a.metadata.name, 'pi');
    assert.ok(Object.isFrozen(a) && Object.isFrozen(a.spec.template.spec.containers[0]));
    assert.equal(t.api.getShared(JOBS, 'default', 'pi'), a);
    assert.throws(() => { (a.metadata as { name: string }).name = 'x'; }, TypeError);
    t.api.update(JOBS, 'default', 'pi', { ...t.api.get(JOBS, 'default', 'pi'), metadata: { ...a.metadata, labels: { ...a.metadata.labels, x: 'y' } } });
    const b = t.api.getShared(JOBS, 'default', 'pi')!;
    assert.notEqual(b, a);
    assert.equal(b.metadata.labels?.x, 'y');
    t.api.delete(JOBS, 'default', 'pi', { propagationPolicy: 'Background' });
    assert.equal(t.api.getShared(JOBS, 'default', 'pi'), undefined);
  });
});

describe('update and status', () => {
  test("a typed client's status update that only reads its result: the same write, from the stored object shared, its body's spec neither copied nor read", () => {
    const typed = new LocalAPIServer(t.store, { clock: t.clock, typedClients: true });
    typed.create(JOBS, 'default', job('a'));
    typed.create(JOBS, 'default', job('b'));
    const write = (name: string, opts: { readOnlyResult?: boolean }) => {
      const stored = typed.getShared(JOBS, 'default', name)!;
      // A spec that would not decode: a status update takes the stored one.
      return typed.updateStatus(JOBS, 'default', name, { ...stored, spec: { completions: 'x' }, status: { active: 2 } }, opts).object;
    };
    const plain = write('a', {});
    const shared = write('b', { readOnlyResult: true });
    const same = (o: KObject) => ({ ...o, metadata: { ...o.metadata, name: '', uid: '', resourceVersion: '', labels: {} }, spec: { ...o.spec, selector: {}, template: { ...o.spec.template, metadata: {} } } });
    assert.deepEqual(same(shared), same(plain));
    assert.deepEqual(t.store.get('Job', 'default', 'b')!.status, { active: 2 });
    assert.equal(Object.isFrozen(shared.spec), true, 'the spec is the shared stored one');
    assert.equal(Object.isFrozen(plain.spec), false, 'without the option the result is all its own');
  });

  test("a typed client's patch that only reads its result (the Job controller's finalizer removal) patches the stored object shared", () => {
    const typed = new LocalAPIServer(t.store, { clock: t.clock, typedClients: true });
    for (const name of ['a', 'b']) typed.create(PODS, 'default', pod(name, { finalizers: ['batch.kubernetes.io/job-tracking', 'x/y'] }));
    const release = (name: string, opts: { readOnlyResult?: boolean }) =>
      typed.patch(PODS, 'default', name, 'strategic', { metadata: { '$deleteFromPrimitiveList/finalizers': ['batch.kubernetes.io/job-tracking'] } }, opts).object;
    const plain = release('a', {});
    const shared = release('b', { readOnlyResult: true });
    assert.equal(typed.getShared(PODS, 'default', 'b'), shared, 'the result is the new version\'s shared object');
    const created = typed.create(PODS, 'default', pod('c'), { readOnlyResult: true }).object;
    assert.ok(Object.isFrozen(created));
    assert.equal(typed.getShared(PODS, 'default', 'c'), created);
    assert.deepEqual(shared.metadata.finalizers, ['x/y']);
    assert.deepEqual(t.store.get('Pod', 'default', 'b')!.metadata.finalizers, ['x/y']);
    const spec = (o: KObject) => JSON.stringify(o.spec).replace(/kube-api-access-[a-z0-9]{5}/g, 'kube-api-access-<suffix>');
    assert.equal(spec(shared), spec(plain));
    assert.equal(Object.isFrozen(shared.spec), true, 'the spec is the shared stored one');
    assert.equal(Object.isFrozen(plain.spec), false);
  });

  test("a typed client's JSON patch of an object stored shared (frozen): what the patch leaves alone is copied, not written into; the result is decoded", () => {
    const typed = new LocalAPIServer(t.store, { clock: t.clock, typedClients: true });
    const stored = typed.create(PODS, 'default', pod('j', { finalizers: ['x/y'] }), { readOnlyResult: true }).object;
    assert.ok(Object.isFrozen(stored.spec));
    const patched = typed.patch(PODS, 'default', 'j', 'json', [{ op: 'add', path: '/metadata/labels', value: { a: 'b' } }], { readOnlyResult: true }).object;
    assert.deepEqual(patched.metadata.labels, { a: 'b' });
    assert.equal(stored.metadata.labels, undefined, 'the earlier version is as it was');
    assert.deepEqual(t.store.get('Pod', 'default', 'j')!.metadata.labels, { a: 'b' });
    assert.deepEqual(t.store.get('Pod', 'default', 'j')!.spec, JSON.parse(JSON.stringify(stored.spec)));
    // Its result is decoded, as every patch's: the list it empties goes, as Go's omitempty drops it.
    typed.patch(PODS, 'default', 'j', 'json', [{ op: 'remove', path: '/metadata/finalizers/0' }]);
    assert.equal('finalizers' in t.store.get('Pod', 'default', 'j')!.metadata, false);
  });

  test('optimistic concurrency; the status is kept by an update and is all a status update changes', () => {
    const j = t.api.create(JOBS, 'default', job('pi')).object;
    const s = t.api.updateStatus(JOBS, 'default', 'pi', { ...j, spec: { ...j.spec, parallelism: 5 }, status: { active: 1 } }).object;
    assert.deepEqual(s.status, { active: 1 });
    assert.equal(s.spec.parallelism, 1, 'a status update never changes the spec');
    assert.equal(s.metadata.generation, 1);
    const stale = structuredClone(j);
    stale.metadata.labels = { ...stale.metadata.labels, x: 'y' };
    assert.equal(failure(() => t.api.update(JOBS, 'default', 'pi', stale)).reason, 'Conflict');
    const u = t.api.update(JOBS, 'default', 'pi', { ...s, spec: { ...s.spec, parallelism: 3 }, status: { active: 9 } }).object;
    assert.deepEqual(u.status, { active: 1 }, 'an update never changes the status');
    assert.equal(u.metadata.generation, 2, 'a new spec is a new generation');
    const noRV = structuredClone(u);
    delete (noRV.metadata as Record<string, unknown>).resourceVersion;
    noRV.metadata.labels = { ...noRV.metadata.labels, z: '1' };
    const v = t.api.update(JOBS, 'default', 'pi', noRV).object;
    assert.equal(v.metadata.labels!.z, '1', 'unconditional without a resourceVersion');
    assert.equal(v.metadata.generation, 2, 'labels are not the spec');
  });

  test('immutable fields and identity', () => {
    const j = t.api.create(JOBS, 'default', job('pi')).object;
    const e = failure(() => t.api.update(JOBS, 'default', 'pi', { ...j, spec: { ...j.spec, completions: 5 } }));
    assert.equal(e.kubectlMessage(), 'The Job "pi" is invalid: spec.completions: Invalid value: 5: field is immutable');
    assert.equal(failure(() => t.api.update(JOBS, 'default', 'pi', { ...j, metadata: { ...j.metadata, uid: 'x' } })).kubectlMessage(), 'The Job "pi" is invalid: metadata.uid: Invalid value: "x": field is immutable');
    assert.equal(failure(() => t.api.update(JOBS, 'default', 'other', j)).message, 'the name of the object (pi) does not match the name on the URL (other)');
    const when = { ...j, metadata: { ...j.metadata, creationTimestamp: '2000-01-01T00:00:00Z', deletionTimestamp: '2000-01-01T00:00:00Z' } };
    const u = t.api.update(JOBS, 'default', 'pi', when).object;
    assert.equal(u.metadata.creationTimestamp, T0);
    assert.equal(u.metadata.deletionTimestamp, undefined, 'only a delete sets it');
  });

  test("a status update's stored object: decoding only its status and metadata gives what decoding all of it gives, key order included", () => {
    const stored = [
      t.api.create(JOBS, 'default', job('pi', { spec: { parallelism: 2, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'true'], env: [{ name: 'X', value: '1' }], resources: { limits: { memory: '64Mi' } } }], restartPolicy: 'Never', volumes: [{ name: 'v', emptyDir: {} }] } } } })).object,
      t.api.create(PODS, 'default', pod('p', { labels: { app: 'x' }, grace: 5 })).object,
    ];
    for (const old of stored) {
      const info = resourceForKind(old.kind)!;
      const strategy = strategyFor(old.kind);
      // As the kubelet and the Job controller send them: the whole object, a new status (with an
      // empty list, which Go leaves out) and the keys in another order.
      const { status: _, ...rest } = structuredClone(old);
      const status = old.kind === 'Job' ? { conditions: [], startTime: T0, active: 1 } : { conditions: [], startTime: T0, phase: 'Running' };
      const request = { status, ...rest } as KObject;
      strategy.prepareForStatusUpdate(request, old);
      const whole = mustDecode(info, structuredClone(request));
      const partial = mustDecodeStatusUpdate(info, request, old);
      assert.equal(JSON.stringify(partial), JSON.stringify(whole), old.kind);
      assert.equal((partial as { spec: unknown }).spec, (old as { spec: unknown }).spec, 'the stored spec is kept, not decoded again');
    }
  });

  test('an update that changes nothing writes nothing', () => {
    const j = t.api.create(JOBS, 'default', job('pi')).object;
    const rv = t.store.currentRV();
    assert.equal(t.api.update(JOBS, 'default', 'pi', j).object.metadata.resourceVersion, j.metadata.resourceVersion);
    assert.equal(t.store.currentRV(), rv);
  });
});

describe('patch', () => {
  test('strategic, merge and JSON patches; unknown fields warned about (Warn) or refused (Strict)', () => {
    t.api.create(JOBS, 'default', job('pi', { spec: { suspend: true } }));
    const s = t.api.patch(JOBS, 'default', 'pi', 'strategic', { metadata: { labels: { a: 'b' } }, spec: { suspend: false } });
    assert.equal(s.object.metadata.labels!.a, 'b');
    assert.equal(s.object.spec.suspend, false);
    assert.equal(s.object.metadata.generation, 2);
    const m = t.api.patch(JOBS, 'default', 'pi', 'merge', { metadata: { labels: { a: null } } });
    assert.equal(m.object.metadata.labels!.a, undefined);
    const j = t.api.patch(JOBS, 'default', 'pi', 'json', [{ op: 'replace', path: '/spec/parallelism', value: 2 }]);
    assert.equal(j.object.spec.parallelism, 2);
    const w = t.api.patch(JOBS, 'default', 'pi', 'strategic', { spec: { foo: 1 } }, { fieldValidation: 'Warn' });
    assert.deepEqual(w.warnings, ['unknown field "spec.foo"']);
    assert.equal(w.object.metadata.resourceVersion, j.object.metadata.resourceVersion, 'nothing changed: nothing written');
    assert.equal(
      failure(() => t.api.patch(JOBS, 'default', 'pi', 'strategic', { spec: { foo: 1 } })).kubectlMessage(),
      'The request is invalid: patch: Invalid value: "map[spec:map[foo:1]]": strict decoding error: unknown field "spec.foo"',
    );
  });

  test('the apiserver\'s errors: not an object, a bad directive, a JSON patch that cannot apply, a stale resourceVersion', () => {
    t.api.create(JOBS, 'default', job('pi'));
    assert.equal(failure(() => t.api.patch(JOBS, 'default', 'pi', 'merge', 5)).message, 'json: cannot unmarshal number into Go value of type map[string]interface {}');
    assert.equal(failure(() => t.api.patch(JOBS, 'default', 'pi', 'strategic', { metadata: { '$deleteFromPrimitiveList': ['x'] } })).kubectlMessage(), 'Error from server (BadRequest): invalid patch format of primitive list');
    assert.equal(
      failure(() => t.api.patch(JOBS, 'default', 'pi', 'json', [{ op: 'remove', path: '/spec/nope' }])).kubectlMessage(),
      'The request is invalid: the server rejected our request due to an error in our request',
    );
    // jsonPatcher decodes a JSON patch strictly into []jsonPatchOp unless the validation is Ignore; the library's DecodePatch then.
    assert.equal(failure(() => t.api.patch(JOBS, 'default', 'pi', 'json', { a: 1 }, { fieldValidation: 'Warn' })).kubectlMessage(), 'Error from server (BadRequest): error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp');
    assert.equal(failure(() => t.api.patch(JOBS, 'default', 'pi', 'json', [1])).kubectlMessage(), 'Error from server (BadRequest): error decoding patch: json: cannot unmarshal number into Go value of type handlers.jsonPatchOp');
    assert.equal(failure(() => t.api.patch(JOBS, 'default', 'pi', 'json', [{ op: 'remove', path: 5 }])).kubectlMessage(), 'Error from server (BadRequest): error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.path of type string');
    assert.equal(failure(() => t.api.patch(JOBS, 'default', 'pi', 'json', [1], { fieldValidation: 'Ignore' })).kubectlMessage(), 'Error from server (BadRequest): json: cannot unmarshal number into Go value of type jsonpatch.Operation');
    assert.equal(t.api.patch(JOBS, 'default', 'pi', 'json', null, { fieldValidation: 'Warn' }).object.metadata.name, 'pi', 'null: no operations');
    assert.equal(failure(() => t.api.patch(JOBS, 'default', 'pi', 'merge', { metadata: { resourceVersion: '999' } })).reason, 'Conflict');
    assert.equal(failure(() => t.api.patch(JOBS, 'default', 'nope', 'merge', {})).kubectlMessage(), 'Error from server (NotFound): jobs.batch "nope" not found');
  });
});

describe('delete', () => {
  test('preconditions, with the apiserver\'s words', () => {
    const j = t.api.create(JOBS, 'default', job('pi')).object;
    assert.equal(
      failure(() => t.api.delete(JOBS, 'default', 'pi', { preconditions: { uid: 'x' } })).message,
      `Operation cannot be fulfilled on Job.batch "pi": the UID in the precondition (x) does not match the UID in record (${j.metadata.uid}). The object might have been deleted and then recreated`,
    );
    assert.equal(
      failure(() => t.api.delete(JOBS, 'default', 'pi', { preconditions: { resourceVersion: '0' } })).message,
      `Operation cannot be fulfilled on Job.batch "pi": the ResourceVersion in the precondition (0) does not match the ResourceVersion in record (${j.metadata.resourceVersion}). The object might have been modified`,
    );
    assert.equal(t.api.delete(JOBS, 'default', 'pi', { preconditions: { uid: j.metadata.uid }, propagationPolicy: 'Background' }).removed, true);
  });

  test('a Job deleted without a policy orphans its pods, with the warning; background removes it at once', () => {
    const j = t.api.create(JOBS, 'default', job('pi')).object;
    const ref = { apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: j.metadata.uid!, controller: true, blockOwnerDeletion: true };
    t.api.create(PODS, 'default', { ...pod('a'), metadata: { name: 'a', ownerReferences: [ref] } });
    const r = t.api.delete(JOBS, 'default', 'pi');
    assert.equal(r.removed, true);
    assert.deepEqual(r.warnings, ['child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning']);
    assert.equal(t.api.get(PODS, 'default', 'a').metadata.ownerReferences, undefined);
    t.api.create(JOBS, 'default', job('q'));
    assert.deepEqual(t.api.delete(JOBS, 'default', 'q', { propagationPolicy: 'Background' }).warnings, []);
  });

  test('finalizers: marked, not removed; removing the last one removes the object', () => {
    t.api.create(JOBS, 'default', job('pi', { metadata: { finalizers: ['example.com/x'] } }));
    t.clock.step(1000);
    const r = t.api.delete(JOBS, 'default', 'pi', { propagationPolicy: 'Background' });
    assert.equal(r.removed, false);
    assert.equal(r.object.metadata.deletionTimestamp, '2026-11-23T12:00:01Z');
    assert.equal(r.object.metadata.deletionGracePeriodSeconds, 0);
    assert.equal(r.object.metadata.generation, 2);
    const rv = t.store.currentRV();
    assert.equal(t.api.delete(JOBS, 'default', 'pi', { propagationPolicy: 'Background' }).removed, false);
    assert.equal(t.store.currentRV(), rv, 'deleting again changes nothing');
    t.api.patch(JOBS, 'default', 'pi', 'strategic', { metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/x'] } });
    assert.equal(failure(() => t.api.get(JOBS, 'default', 'pi')).reason, 'NotFound');
    assert.equal(t.store.changesSince(rv).at(-1)!.type, 'DELETED');
  });

  test('foreground: the foregroundDeletion finalizer; orphan: owner references stripped first', () => {
    t.api.create(JOBS, 'default', job('pi'));
    const r = t.api.delete(JOBS, 'default', 'pi', { propagationPolicy: 'Foreground' });
    assert.deepEqual(r.object.metadata.finalizers, ['foregroundDeletion']);
    assert.equal(r.object.metadata.deletionTimestamp, T0);
    const j = t.api.create(JOBS, 'default', job('o')).object;
    const ref = { apiVersion: 'batch/v1', kind: 'Job', name: 'o', uid: j.metadata.uid!, controller: true, blockOwnerDeletion: true };
    const other = { apiVersion: 'v1', kind: 'Service', name: 's', uid: 'other-uid' };
    t.api.create(PODS, 'default', { ...pod('a'), metadata: { name: 'a', ownerReferences: [ref] } });
    t.api.create(PODS, 'default', { ...pod('b'), metadata: { name: 'b', ownerReferences: [ref, other] } });
    const rv = t.store.currentRV();
    assert.equal(t.api.delete(JOBS, 'default', 'o', { propagationPolicy: 'Orphan' }).removed, true);
    assert.equal(t.api.get(PODS, 'default', 'a').metadata.ownerReferences, undefined);
    assert.deepEqual(t.api.get(PODS, 'default', 'b').metadata.ownerReferences, [other]);
    assert.deepEqual(t.store.changesSince(rv).map((c) => `${c.type} ${c.kind} ${c.name}`), ['MODIFIED Pod a', 'MODIFIED Pod b', 'DELETED Job o']);
  });

  test('pods: graceful deletion (now + grace), only shortened while pending, grace 0 removes', () => {
    t.api.create(PODS, 'default', pod('p', { nodeName: 'node', grace: 10 }));
    setPhase('p', 'Running');
    const r = t.api.delete(PODS, 'default', 'p');
    assert.equal(r.removed, false);
    assert.equal(r.object.metadata.deletionTimestamp, '2026-11-23T12:00:10Z');
    assert.equal(r.object.metadata.deletionGracePeriodSeconds, 10);
    const rv = t.store.currentRV();
    assert.equal(t.api.delete(PODS, 'default', 'p', { gracePeriodSeconds: 30 }).removed, false);
    assert.equal(t.api.delete(PODS, 'default', 'p').removed, false);
    assert.equal(t.store.currentRV(), rv);
    t.clock.step(2000);
    const r2 = t.api.delete(PODS, 'default', 'p', { gracePeriodSeconds: 5 });
    assert.equal(r2.object.metadata.deletionTimestamp, '2026-11-23T12:00:05Z');
    assert.equal(r2.object.metadata.deletionGracePeriodSeconds, 5);
    assert.equal(t.api.delete(PODS, 'default', 'p', { gracePeriodSeconds: 0 }).removed, true);
    assert.equal(failure(() => t.api.get(PODS, 'default', 'p')).reason, 'NotFound');
  });

  test('pods: unscheduled or finished pods go at once; with a finalizer grace 0 only marks; a status write during the grace period keeps the pod', () => {
    t.api.create(PODS, 'default', pod('unscheduled'));
    t.api.create(PODS, 'default', pod('done', { nodeName: 'node' }));
    setPhase('done', 'Succeeded');
    for (const n of ['unscheduled', 'done']) assert.equal(t.api.delete(PODS, 'default', n).removed, true, n);
    t.api.create(PODS, 'default', pod('f', { nodeName: 'node', finalizers: ['batch.kubernetes.io/job-tracking'] }));
    setPhase('f', 'Running');
    const r = t.api.delete(PODS, 'default', 'f', { gracePeriodSeconds: 0 });
    assert.equal(r.removed, false);
    assert.equal(r.object.metadata.deletionTimestamp, T0);
    t.api.create(PODS, 'default', pod('g', { nodeName: 'node', grace: 30, finalizers: ['batch.kubernetes.io/job-tracking'] }));
    setPhase('g', 'Running');
    t.api.delete(PODS, 'default', 'g');
    t.api.patch(PODS, 'default', 'g', 'strategic', { metadata: { '$deleteFromPrimitiveList/finalizers': ['batch.kubernetes.io/job-tracking'] } });
    setPhase('g', 'Succeeded');
    assert.ok(t.api.get(PODS, 'default', 'g').metadata.deletionTimestamp, 'still terminating until the kubelet deletes it with grace 0');
    assert.equal(t.api.delete(PODS, 'default', 'g', { gracePeriodSeconds: 0 }).removed, true);
  });
});

describe('list and watch', () => {
  test('label and field selectors; the apiserver\'s error for an unsupported field', () => {
    for (const [n, app] of [['a', 'x'], ['b', 'y'], ['c', 'x']]) t.api.create(PODS, 'default', pod(n, { labels: { app } }));
    setPhase('b', 'Running');
    const names = (opts: Record<string, string>) => t.api.list(PODS, { namespace: 'default', ...opts }).items.map((p) => p.metadata.name);
    assert.deepEqual(names({ labelSelector: 'app=x' }), ['a', 'c']);
    assert.deepEqual(names({ fieldSelector: 'status.phase=Running' }), ['b']);
    assert.deepEqual(names({ fieldSelector: 'status.phase!=Running,metadata.name!=a' }), ['c']);
    assert.deepEqual(names({ fieldSelector: 'spec.restartPolicy=Always,spec.serviceAccountName=default', labelSelector: 'app in (x,y),app!=y' }), ['a', 'c']);
    assert.equal(failure(() => t.api.list(PODS, { fieldSelector: 'foo=bar' })).message, 'field label not supported: foo');
    assert.equal(failure(() => t.api.list(JOBS, { fieldSelector: 'spec.x=1' })).message, 'field label "spec.x" not supported for Job');
    assert.equal(failure(() => t.api.list(CMS, { fieldSelector: 'data=1' })).message, '"data" is not a known field selector: only "metadata.name", "metadata.namespace"');
    assert.equal(failure(() => t.api.list(PODS, { fieldSelector: 'a' })).message, "invalid selector: 'a'; can't understand 'a'");
    t.api.create(JOBS, 'default', job('pi'));
    assert.deepEqual(t.api.list(JOBS, { fieldSelector: 'status.successful=0' }).items.map((j) => j.metadata.name), ['pi']);
  });

  test('a watch from a resourceVersion sees every change in order; with a selector, objects entering and leaving it', () => {
    const { resourceVersion } = t.api.list(PODS);
    const all = t.api.watch(PODS, { resourceVersion });
    const sel = t.api.watch(PODS, { resourceVersion, labelSelector: 'app=x' });
    t.api.create(PODS, 'default', pod('a', { labels: { app: 'x' } }));
    t.api.create(PODS, 'default', pod('b', { labels: { app: 'y' } }));
    t.api.patch(PODS, 'default', 'b', 'merge', { metadata: { labels: { app: 'x' } } });
    t.api.patch(PODS, 'default', 'a', 'merge', { metadata: { labels: { app: 'z' } } });
    t.api.delete(PODS, 'default', 'b');
    const seq = (w: typeof all) => w.next().map((e) => `${e.type} ${e.object.metadata.name} ${e.object.metadata.labels?.app}`);
    assert.deepEqual(seq(all), ['ADDED a x', 'ADDED b y', 'MODIFIED b x', 'MODIFIED a z', 'DELETED b x']);
    assert.deepEqual(seq(sel), ['ADDED a x', 'ADDED b x', 'DELETED a x', 'DELETED b x']);
    assert.deepEqual(all.next(), []);
    assert.equal(all.resourceVersion(), String(t.store.currentRV()));
  });

  test('Events by involvedObject.uid (what the event recorder looks up)', () => {
    const ev = (name: string, uid: string) => ({ apiVersion: 'v1', kind: 'Event', metadata: { name }, involvedObject: { kind: 'Pod', name: 'p', uid }, reason: 'R', type: 'Normal', source: { component: 'c' } });
    t.api.create(EVENTS, 'default', ev('e1', 'u1'));
    t.api.create(EVENTS, 'default', ev('e2', 'u2'));
    assert.deepEqual(t.api.list(EVENTS, { namespace: 'default', fieldSelector: 'involvedObject.uid=u2,reason=R' }).items.map((e) => e.metadata.name), ['e2']);
    assert.deepEqual(t.api.list(EVENTS, { fieldSelector: 'source=c,type=Normal' }).items.length, 2);
  });
});

test('ratcheting: an object an older kjob stored, which a rule added since refuses, still takes an update that brings nothing new against the rules', () => {
  const { api } = t;
  // Created as it stands, then given what the rules now refuse, as an older kjob stored it.
  const created = api.create(PODS, 'default', { ...pod('old', { finalizers: ['batch.kubernetes.io/job-tracking'] }), spec: { containers: [{ name: 'c', image: 'busybox' }], initContainers: [{ name: 'i', image: 'busybox' }] } }).object;
  const stored = structuredClone(created);
  stored.spec.initContainers[0].readinessProbe = { exec: { command: ['true'] } };
  t.store.update(stored);
  const refused = 'spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always';
  // The Job controller's patch of its finalizer, and a label: accepted.
  api.patch(PODS, 'default', 'old', 'strategic', { metadata: { '$deleteFromPrimitiveList/finalizers': ['batch.kubernetes.io/job-tracking'] } });
  assert.equal(api.get(PODS, 'default', 'old').metadata.finalizers, undefined);
  api.patch(PODS, 'default', 'old', 'merge', { metadata: { labels: { a: 'b' } } });
  // What an update brings anew is still refused; a new object with the old fault too.
  const e = failure(() => api.patch(PODS, 'default', 'old', 'merge', { metadata: { labels: { 'bad key!': 'x' } } }));
  assert.ok(!e.message.includes(refused), e.message);
  assert.match(e.message, /metadata\.labels/);
  const c = failure(() => api.create(PODS, 'default', { ...pod('new'), spec: stored.spec }));
  assert.match(c.message, /may not be set for init containers without restartPolicy=Always/);
  // A Job's template (which an update may change): the same fault at the same path, about another
  // value the update brings, is refused.
  const j = api.create(JOBS, 'default', job('tpl', { spec: { suspend: true, template: { spec: { containers: [{ name: 'c', image: 'busybox' }], initContainers: [{ name: 'i', image: 'busybox' }], restartPolicy: 'Never' } } } })).object;
  const jo = structuredClone(j);
  // As it was stored: defaulted.
  jo.spec.template.spec.initContainers[0].readinessProbe = { exec: { command: ['true'] }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 };
  t.store.update(jo);
  api.patch(JOBS, 'default', 'tpl', 'merge', { metadata: { labels: { a: 'b' } } });
  const swapped = failure(() => api.patch(JOBS, 'default', 'tpl', 'merge', { spec: { template: { spec: { initContainers: [{ name: 'other', image: 'busybox', readinessProbe: { tcpSocket: { port: 80 } } }] } } } }));
  assert.match(swapped.message, /initContainers\[0\]\.readinessProbe: Forbidden/);
});
