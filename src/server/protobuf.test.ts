import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeProtobufBody } from './protobuf.js';
import { goDuration } from '../util/go.js';
import { protoMessageFor } from '../api/openapi/proto_table.js';

const testdata = fileURLToPath(new URL('./testdata/', import.meta.url));
const cases = JSON.parse(readFileSync(testdata + 'cases.json', 'utf8')) as Record<string, { args: string[]; contentType: string }>;

// ---------------------------------------------------------------- bodies captured from kubectl 1.32

const captured = readdirSync(testdata).filter((f) => f.endsWith('.pb')).map((f) => f.slice(0, -3)).sort();

test('every captured body is a protobuf case of cases.json; kubectl run sends JSON', () => {
  assert.ok(captured.length >= 12, `only ${captured.length} fixtures`);
  for (const name of captured) assert.equal(cases[name]?.contentType, 'application/vnd.kubernetes.protobuf', name);
  assert.equal(cases.pod.contentType, 'application/json');
});

for (const name of captured) {
  test(`kubectl ${cases[name].args.slice(0, 3).join(' ')}... (${name}): decodes to kubectl's own -o json, key order included`, () => {
    const body = readFileSync(`${testdata}${name}.pb`);
    const want = JSON.parse(readFileSync(`${testdata}${name}.json`, 'utf8'));
    const got = decodeProtobufBody(body);
    assert.deepStrictEqual(got, want);
    assert.equal(JSON.stringify(got), JSON.stringify(want));
  });
}

test('zero values: pointers set to zero stay, value fields JSON omits go, value structs print empty', () => {
  const job = decodeProtobufBody(readFileSync(testdata + 'job-from-cronjob-full.pb')) as any;
  // pointers kubectl set to 0/false arrive and are kept
  assert.equal(job.spec.parallelism, 0);
  assert.equal(job.spec.suspend, false);
  assert.equal(job.spec.ttlSecondsAfterFinished, 0);
  assert.equal(job.spec.template.spec.terminationGracePeriodSeconds, 0);
  assert.equal(job.spec.template.spec.enableServiceLinks, false);
  assert.equal(job.spec.template.spec.containers[0].securityContext.runAsUser, 0);
  // hostNetwork: false and stdin: false are value bools with omitempty: gone, as in JSON
  assert.ok(!('hostNetwork' in job.spec.template.spec));
  assert.ok(!('stdin' in job.spec.template.spec.containers[0]));
  // containerPort has no omitempty: a 0 stays; EnvVar value "" is omitempty
  assert.deepEqual(job.spec.template.spec.containers[0].ports[1], { containerPort: 0 });
  assert.deepEqual(job.spec.template.spec.containers[0].env[0], { name: 'EMPTY' });
  // ObjectMeta's value Time is empty on the wire: null, as Go prints the zero time
  assert.equal(job.metadata.creationTimestamp, null);
  assert.equal(job.spec.template.metadata.creationTimestamp, '2026-11-23T14:03:18Z');
  assert.deepEqual(job.status, {});
  // Quantities, an IntOrString name and number, inline volume sources and probe handlers
  assert.deepEqual(job.spec.template.spec.containers[0].resources.requests, { cpu: '100m', 'example.com/dongle': '0' });
  assert.equal(job.spec.template.spec.containers[0].livenessProbe.httpGet.port, 'http');
  assert.equal(job.spec.template.spec.containers[0].readinessProbe.tcpSocket.port, 8080);
  assert.deepEqual(job.spec.template.spec.volumes[0], { name: 'scratch', emptyDir: { sizeLimit: '1Gi' } });
});

test('bytes: Secret data and ConfigMap binaryData come out base64, as in JSON', () => {
  const secret = decodeProtobufBody(readFileSync(testdata + 'secret.pb'));
  assert.deepEqual(secret.data, { a: 'Yg==', empty: '', pw: Buffer.from('p@ss w0rd').toString('base64') });
  const cm = decodeProtobufBody(readFileSync(testdata + 'configmap.pb'));
  assert.deepEqual(cm.binaryData, { bin: Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41, 0x0a]).toString('base64') });
});

// ---------------------------------------------------------------- hand-built bodies

// a minimal protobuf writer for what kubectl's captures do not reach
function varint(v: bigint | number): Buffer {
  let x = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return Buffer.from(out);
}
const key = (n: number, wt: number) => varint(n * 8 + wt);
const int = (n: number, v: bigint | number) => Buffer.concat([key(n, 0), varint(v)]);
const bytes = (n: number, b: Buffer | string) => {
  const buf = typeof b === 'string' ? Buffer.from(b) : b;
  return Buffer.concat([key(n, 2), varint(buf.length), buf]);
};
const msg = (n: number, ...parts: Buffer[]) => bytes(n, Buffer.concat(parts));
function body(apiVersion: string, kind: string, ...parts: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), msg(1, bytes(1, apiVersion), bytes(2, kind)), msg(2, ...parts), bytes(3, ''), bytes(4, '')]);
}
const meta = (name: string, ...more: Buffer[]) => msg(1, bytes(1, name), ...more);

test('coordination/v1 Lease: MicroTime with 6 fraction digits, pointers, absent fields absent', () => {
  const lease = decodeProtobufBody(
    body('coordination.k8s.io/v1', 'Lease', meta('l'), msg(2, bytes(1, 'me'), int(2, 0), msg(4, int(1, 1795442598), int(2, 123456789)), int(5, 3))),
  );
  assert.deepEqual(lease, {
    kind: 'Lease',
    apiVersion: 'coordination.k8s.io/v1',
    metadata: { name: 'l', creationTimestamp: null },
    spec: { holderIdentity: 'me', leaseDurationSeconds: 0, renewTime: '2026-11-23T14:03:18.123456Z', leaseTransitions: 3 },
  });
});

test('metav1.Time prints seconds only; an empty MicroTime value field is null', () => {
  const ev = decodeProtobufBody(
    body('v1', 'Event', meta('e', msg(8, int(1, 1795442598), int(2, 999_000_000))), msg(2, bytes(1, 'Pod'), bytes(2, 'default'), bytes(3, 'p')), bytes(3, 'Started'), int(8, 1), msg(10)),
  );
  assert.deepEqual(ev.metadata, { name: 'e', creationTimestamp: '2026-11-23T14:03:18Z' });
  assert.deepEqual(ev.involvedObject, { kind: 'Pod', namespace: 'default', name: 'p' });
  assert.equal(ev.reason, 'Started');
  assert.equal(ev.count, 1);
  assert.equal(ev.eventTime, null);
  // Event's value Times (firstTimestamp, lastTimestamp) were not sent: zero time, null
  assert.equal(ev.firstTimestamp, null);
  assert.deepEqual(ev.source, {});
});

test('IntOrString: type 1 is a string, type 0 a number; negative int32 and int64 varints', () => {
  const port = (...p: Buffer[]) => msg(1, bytes(1, 'web'), int(3, 80), msg(4, ...p));
  const svc = decodeProtobufBody(body('v1', 'Service', meta('s'), msg(2, port(int(1, 1), bytes(3, 'http')), port(int(1, 0), int(2, 8080)), port())));
  const ports = (svc.spec as any).ports;
  assert.deepEqual(ports.map((p: any) => p.targetPort), ['http', 8080, 0]);
  const pod = decodeProtobufBody(body('v1', 'Pod', meta('p'), msg(2, msg(2, bytes(1, 'c'), bytes(2, 'busybox')), int(25, -5), msg(14, int(2, -1n)))));
  assert.equal((pod.spec as any).priority, -5);
  assert.equal((pod.spec as any).securityContext.runAsUser, -1);
});

test('repeated scalars packed and unpacked decode alike', () => {
  const exitCodes = (values: Buffer) =>
    body('batch/v1', 'Job', meta('j'), msg(2, msg(11, msg(1, bytes(1, 'FailJob'), msg(2, bytes(2, 'In'), values))), msg(6)));
  const unpacked = decodeProtobufBody(exitCodes(Buffer.concat([int(3, 1), int(3, 2), int(3, 42)])));
  const packed = decodeProtobufBody(exitCodes(bytes(3, Buffer.concat([varint(1), varint(2), varint(42)]))));
  const values = (j: any) => j.spec.podFailurePolicy.rules[0].onExitCodes.values;
  assert.deepEqual(values(unpacked), [1, 2, 42]);
  assert.deepEqual(values(packed), [1, 2, 42]);
  // template is a value struct: sent empty, it prints its empty metadata and a spec whose
  // containers (no omitempty) are null, as Go prints a nil slice
  assert.deepEqual((packed.spec as any).template, { metadata: { creationTimestamp: null }, spec: { containers: null } });
});

test('managedFields: FieldsV1 and RawExtension carry raw JSON; a nested protobuf object is decoded', () => {
  const mf = msg(17, bytes(1, 'kubectl'), bytes(2, 'Apply'), bytes(3, 'v1'), msg(4, int(1, 1795442598)), bytes(6, 'FieldsV1'), msg(7, bytes(1, '{"f:data":{".":{}}}')));
  const cm = decodeProtobufBody(body('v1', 'ConfigMap', meta('c', mf)));
  assert.deepEqual((cm.metadata as any).managedFields, [
    { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2026-11-23T14:03:18Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {} } } },
  ]);
  const inner = body('v1', 'Namespace', meta('ns1'));
  const w1 = decodeProtobufBody(body('v1', 'WatchEvent', bytes(1, 'ADDED'), msg(2, bytes(1, '{"kind":"Namespace"}'))));
  assert.deepEqual(w1, { kind: 'WatchEvent', apiVersion: 'v1', type: 'ADDED', object: { kind: 'Namespace' } });
  const w2 = decodeProtobufBody(body('v1', 'WatchEvent', bytes(1, 'ADDED'), msg(2, bytes(1, inner))));
  assert.deepEqual(w2.object, { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'ns1', creationTimestamp: null }, spec: {}, status: {} });
});

test('metav1 Verbs, a named slice, comes out as a list', () => {
  const list = decodeProtobufBody(body('v1', 'APIResourceList', bytes(1, 'batch/v1'), msg(2, bytes(1, 'jobs'), bytes(3, 'Job'), msg(4, bytes(1, 'get'), bytes(1, 'list')))));
  assert.deepEqual((list.resources as any)[0], { name: 'jobs', singularName: '', namespaced: false, kind: 'Job', verbs: ['get', 'list'] });
});

test('a field sent twice merges like protobuf; unknown fields are skipped like Go does', () => {
  const ns = decodeProtobufBody(body('v1', 'Namespace', meta('a'), msg(1, bytes(3, 'x'), msg(11, bytes(1, 'k'), bytes(2, 'v'))), bytes(99, 'future'), int(98, 7)));
  assert.deepEqual(ns.metadata, { name: 'a', namespace: 'x', creationTimestamp: null, labels: { k: 'v' } });
});

test('kinds map to their messages', () => {
  assert.equal(protoMessageFor('v1', 'Pod'), 'k8s.io.api.core.v1.Pod');
  assert.equal(protoMessageFor('batch/v1', 'CronJob'), 'k8s.io.api.batch.v1.CronJob');
  assert.equal(protoMessageFor('apps/v1', 'Deployment'), 'k8s.io.api.apps.v1.Deployment');
  assert.equal(protoMessageFor('coordination.k8s.io/v1', 'Lease'), 'k8s.io.api.coordination.v1.Lease');
  assert.equal(protoMessageFor('v1', 'DeleteOptions'), 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions');
  assert.equal(protoMessageFor('meta.k8s.io/v1', 'Status'), 'k8s.io.apimachinery.pkg.apis.meta.v1.Status');
  assert.equal(protoMessageFor('batch/v1', 'Status'), undefined);
  assert.equal(protoMessageFor('rbac.authorization.k8s.io/v1', 'Role'), undefined);
});

test('bodies it cannot decode throw an Error that says why', () => {
  const job = readFileSync(testdata + 'job.pb');
  assert.throws(() => decodeProtobufBody(Buffer.from('{"kind":"Job"}')), /does not start with the Kubernetes protobuf magic/);
  assert.throws(() => decodeProtobufBody(job.subarray(0, job.length - 20)), /protobuf body: .*(runs past the end|truncated)/);
  assert.throws(() => decodeProtobufBody(body('rbac.authorization.k8s.io/v1', 'Role', meta('r'))), /no protobuf schema for rbac.authorization.k8s.io\/v1 Role/);
  assert.throws(() => decodeProtobufBody(body('', '', meta('r'))), /no apiVersion or kind/);
  assert.throws(() => decodeProtobufBody(body('v1', 'ConfigMap', msg(1, int(1, 5)))), /metadata\.name: wire type 0 for string field name/);
  assert.throws(() => decodeProtobufBody(body('v1', 'ConfigMap', meta('c'), bytes(2, 'x'))), /protobuf body: data/);
  // a WatchEvent whose object is a WatchEvent whose object is ...
  let deep = body('v1', 'Namespace', meta('deep'));
  for (let i = 0; i < 120; i++) deep = body('v1', 'WatchEvent', bytes(1, 'ADDED'), msg(2, bytes(1, deep)));
  assert.throws(() => decodeProtobufBody(deep), /nested more than 100 messages deep/);
  const gz = Buffer.concat([Buffer.from('k8s\0', 'latin1'), msg(1, bytes(1, 'v1'), bytes(2, 'ConfigMap')), msg(2), bytes(3, 'gzip')]);
  assert.throws(() => decodeProtobufBody(gz), /content encoding "gzip" is not supported/);
  const json = Buffer.concat([Buffer.from('k8s\0', 'latin1'), msg(1, bytes(1, 'v1'), bytes(2, 'ConfigMap')), msg(2), bytes(4, 'application/json')]);
  assert.throws(() => decodeProtobufBody(json), /carries "application\/json", not protobuf/);
});

test("goDuration prints Go's time.Duration.String", () => {
  const s = 1_000_000_000n;
  assert.equal(goDuration(0n), '0s');
  assert.equal(goDuration(3600n * s), '1h0m0s');
  assert.equal(goDuration(61n * s), '1m1s');
  assert.equal(goDuration(1500_000_000n), '1.5s');
  assert.equal(goDuration(150_000_000n), '150ms');
  assert.equal(goDuration(1500n), '1.5µs');
  assert.equal(goDuration(7n), '7ns');
  assert.equal(goDuration(-123n * s), '-2m3s');
  assert.equal(goDuration(3723n * s + 4n), '1h2m3.000000004s');
});
