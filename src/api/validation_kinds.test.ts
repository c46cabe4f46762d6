// ConfigMap, Secret and ServiceAccount through the apiserver's write path: decoding, defaulting,
// validation (with kube-apiserver's messages), update rules, and the ServiceAccount admission.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareCreate, prepareUpdate, admitPod, defaultObject, statusErrorOf as failure } from '../apiserver/testing.js';

import { resourceForKind, resolveResource } from './resources.js';
import { validateCreate } from './validation.js';
import { goBase64Decode } from '../util/go.js';
import type { KObject } from './types.js';

const CM = resourceForKind('ConfigMap')!;
const SECRET = resourceForKind('Secret')!;
const SA = resourceForKind('ServiceAccount')!;
const POD = resourceForKind('Pod')!;

const KEY_MSG =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

const cm = (extra: Record<string, unknown> = {}): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, ...extra });
const secret = (extra: Record<string, unknown> = {}): KObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, ...extra });

test('discovery: configmaps/cm, secrets, serviceaccounts/sa in the core group', () => {
  assert.equal(resolveResource('cm')?.kind, 'ConfigMap');
  assert.equal(resolveResource('configmap')?.kind, 'ConfigMap');
  assert.equal(resolveResource('secrets')?.kind, 'Secret');
  assert.equal(resolveResource('sa')?.kind, 'ServiceAccount');
  assert.equal(resolveResource('serviceaccounts.v1')?.kind, 'ServiceAccount');
});

test('ConfigMap: valid keys pass; bad keys, clashing keys and more than 1 MiB are refused', () => {
  assert.equal(prepareCreate(CM, cm({ data: { 'key.name': 'x', KEY_NAME: 'y', 'key-name': '' } })).data['key.name'], 'x');
  const e = failure(() => prepareCreate(CM, cm({ data: { 'a b': '1', '..x': '2', dup: '3' }, binaryData: { dup: 'YQ==' } })));
  assert.equal(
    e.kubectlMessage(),
    'The ConfigMap "cfg" is invalid: \n' +
      `* data[..x]: Invalid value: "..x": must not start with '..'\n` +
      `* data[a b]: Invalid value: "a b": ${KEY_MSG}\n` +
      '* data[dup]: Invalid value: "dup": duplicate of key present in binaryData\n' +
      '* binaryData[dup]: Invalid value: "dup": duplicate of key present in data',
  );
  const big = failure(() => prepareCreate(CM, cm({ data: { a: 'x'.repeat(1024 * 1024), b: 'y' } })));
  assert.equal(big.kubectlMessage(), 'The ConfigMap "cfg" is invalid: []: Too long: may not be more than 1048576 bytes');
  assert.equal(prepareCreate(CM, cm({ data: { a: 'x'.repeat(1024 * 1024) } })).data.a.length, 1024 * 1024);
});

test('decoding: non-string ConfigMap data and bad base64 are the apiserver BadRequest', () => {
  const e = failure(() => prepareCreate(CM, cm({ data: { port: 8080 } })));
  assert.equal(e.reason, 'BadRequest');
  assert.equal(e.message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string');
  const s = failure(() => prepareCreate(SECRET, secret({ data: { a: 'abc$' } })));
  assert.equal(s.message, 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3');
  const b = failure(() => prepareCreate(SECRET, secret({ stringData: { ok: true } })));
  assert.equal(b.message, 'Secret in version "v1" cannot be handled as a Secret: json: cannot unmarshal bool into Go struct field Secret.stringData of type string');
});

test("Go's base64: padding required, newlines skipped, offsets in bytes", () => {
  assert.deepEqual(goBase64Decode('aGk='), { data: Buffer.from('hi') });
  assert.deepEqual(goBase64Decode('aG\nk='), { data: Buffer.from('hi') });
  assert.deepEqual(goBase64Decode(''), { data: Buffer.alloc(0) });
  assert.deepEqual(goBase64Decode('aGk'), { error: 'illegal base64 data at input byte 0' });
  assert.deepEqual(goBase64Decode('aGk=x'), { error: 'illegal base64 data at input byte 4' });
  assert.deepEqual(goBase64Decode('a==='), { error: 'illegal base64 data at input byte 1' });
  assert.deepEqual(goBase64Decode('YWJj-'), { error: 'illegal base64 data at input byte 4' });
});

test('Secret: type defaults to Opaque, stringData is merged into data (and wins), then dropped', () => {
  const s = prepareCreate(SECRET, secret({ data: { a: 'b2xk', keep: 'eA==' }, stringData: { a: 'new', u: 'ü' } }));
  assert.equal(s.type, 'Opaque');
  assert.deepEqual(s.data, { a: 'bmV3', keep: 'eA==', u: 'w7w=' });
  assert.equal(s.stringData, undefined);
});

test('Secret: per-type required keys, and data keys validated like ConfigMap keys', () => {
  const tls = failure(() => prepareCreate(SECRET, secret({ type: 'kubernetes.io/tls', stringData: { 'b c': 'x' } })));
  assert.deepEqual(tls.details.causes?.map((c) => `${c.field}: ${c.message}`), [
    `data[b c]: Invalid value: "b c": ${KEY_MSG}`,
    'data[tls.crt]: Required value',
    'data[tls.key]: Required value',
  ]);
  const basic = failure(() => prepareCreate(SECRET, secret({ type: 'kubernetes.io/basic-auth' })));
  assert.deepEqual(basic.details.causes?.map((c) => c.field), ['data[%s][username]', 'data[%s][password]']);
  const sat = failure(() => prepareCreate(SECRET, secret({ type: 'kubernetes.io/service-account-token' })));
  assert.deepEqual(sat.details.causes?.map((c) => `${c.field}: ${c.message}`), ['metadata.annotations[kubernetes.io/service-account.name]: Required value']);
  const dj = failure(() => prepareCreate(SECRET, secret({ type: 'kubernetes.io/dockerconfigjson' })));
  assert.deepEqual(dj.details.causes?.map((c) => c.field), ['data[.dockerconfigjson]']);
  assert.equal(prepareCreate(SECRET, secret({ type: 'kubernetes.io/basic-auth', stringData: { username: 'u' } })).type, 'kubernetes.io/basic-auth');
});

test('updates: the Secret type is immutable; immutable ConfigMaps and Secrets keep their data', () => {
  const old = prepareCreate(SECRET, secret({ stringData: { a: 'x' } }));
  const e = failure(() => prepareUpdate(SECRET, old, secret({ type: 'kubernetes.io/basic-auth', stringData: { username: 'u' } })));
  assert.deepEqual(e.details.causes?.map((c) => `${c.field}: ${c.message}`), ['type: Invalid value: "kubernetes.io/basic-auth": field is immutable']);
  const frozen = prepareCreate(CM, cm({ immutable: true, data: { a: '1' } }));
  assert.deepEqual(
    failure(() => prepareUpdate(CM, frozen, cm({ data: { a: '2' } }))).details.causes?.map((c) => `${c.field}: ${c.message}`),
    ['immutable: Forbidden: field is immutable when `immutable` is set', 'data: Forbidden: field is immutable when `immutable` is set'],
  );
  assert.equal(prepareUpdate(CM, frozen, cm({ immutable: true, data: { a: '1' }, metadata: { name: 'cfg', labels: { x: 'y' } } })).metadata.labels?.x, 'y');
  const mutable = prepareCreate(CM, cm({ data: { a: '1' } }));
  assert.deepEqual(prepareUpdate(CM, mutable, cm({ data: { b: '2' } })).data, { b: '2' });
});

test('ServiceAccount: a DNS subdomain name; automountServiceAccountToken must be a bool', () => {
  const sa = prepareCreate(SA, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bot' } });
  assert.equal(sa.metadata.namespace, 'default');
  assert.match(failure(() => prepareCreate(SA, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'Bot' } })).kubectlMessage(), /metadata\.name: Invalid value: "Bot": a lowercase RFC 1123 subdomain/);
  assert.equal(failure(() => prepareCreate(SA, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'b' }, automountServiceAccountToken: 'no' })).reason, 'BadRequest');
});

// ---------------------------------------------------------------- pod specs

function podCauses(containers: any[], volumes?: any[]): string[] {
  const p = defaultObject(POD, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers, ...(volumes ? { volumes } : {}) } }, { uid: 'u' });
  return validateCreate(POD, p).map((c) => `${c.field}: ${c.message}`);
}
const c = (extra: any) => ({ name: 'c', image: 'busybox', ...extra });

test('pod spec: env valueFrom and envFrom references', () => {
  assert.deepEqual(podCauses([c({ env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'a' } } }], envFrom: [{ secretRef: { name: 's' }, prefix: 'S_' }] })]), []);
  assert.deepEqual(podCauses([c({ env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 's' } } }, { name: 'B', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'a b' } } }] })]), [
    'spec.containers[0].env[0].valueFrom.secretKeyRef.key: Required value',
    `spec.containers[0].env[1].valueFrom.configMapKeyRef.key: Invalid value: "a b": ${KEY_MSG}`,
  ]);
  assert.deepEqual(podCauses([c({ env: [{ name: 'A', value: 'x', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'a' } } }, { name: 'B', valueFrom: {} }] })]), [
    'spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
    'spec.containers[0].env[1].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
  ]);
  assert.deepEqual(podCauses([c({ envFrom: [{ configMapRef: {} }, {}] })]), [
    'spec.containers[0].envFrom[0].configMapRef.name: Required value',
    'spec.containers[0].envFrom: Invalid value: "": must specify one of: `configMapRef` or `secretRef`',
  ]);
});

test('pod spec: configMap, secret, downwardAPI and projected volume sources', () => {
  const mount = [c({ volumeMounts: [{ name: 'v', mountPath: '/v' }] })];
  assert.deepEqual(podCauses(mount, [{ name: 'v', configMap: { name: 'cfg', items: [{ key: 'a', path: 'dir/a', mode: 0o400 }] } }]), []);
  assert.deepEqual(podCauses(mount, [{ name: 'v', secret: { defaultMode: 0o1777, items: [{ key: 'a', path: '/abs' }, { key: 'b', path: 'x/../../y' }, { path: '..z' }] } }]), [
    'spec.volumes[0].secret.secretName: Required value',
    'spec.volumes[0].secret.defaultMode: Invalid value: 1023: must be a number between 0 and 0777 (octal), both inclusive',
    'spec.volumes[0].secret.items[0].path: Invalid value: "/abs": must be a relative path',
    `spec.volumes[0].secret.items[1].path: Invalid value: "x/../../y": must not contain '..'`,
    'spec.volumes[0].secret.items[2].key: Required value',
    `spec.volumes[0].secret.items[2].path: Invalid value: "..z": must not start with '..'`,
  ]);
  assert.deepEqual(podCauses(mount, [{ name: 'v', downwardAPI: { items: [{ path: 'n', fieldRef: { fieldPath: 'metadata.name' } }, { path: 'l', fieldRef: { fieldPath: "metadata.labels['app']" } }, { path: 'h', fieldRef: { fieldPath: 'spec.nodeName' } }] } }]), [
    'spec.volumes[0].downwardAPI.items[2].fieldRef.fieldPath: Unsupported value: "spec.nodeName": supported values: "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"',
  ]);
  assert.deepEqual(podCauses(mount, [{ name: 'v', projected: { sources: [{ configMap: {} }, { serviceAccountToken: { path: 't', expirationSeconds: 60 } }] } }]), [
    'spec.volumes[0].projected.sources[0].configMap.name: Required value',
    'spec.volumes[0].projected.sources[1].serviceAccountToken.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
  ]);
});

// ---------------------------------------------------------------- ServiceAccount admission

const bare = (spec: any = {}, meta: any = { name: 'p' }): KObject =>
  defaultObject(POD, { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'default', ...meta }, spec: { containers: [c({})], ...spec } }, { uid: 'u' });
const accounts = (sas: Record<string, any>) => (ns: string, name: string) => (sas[`${ns}/${name}`] as KObject | undefined);

test('ServiceAccount admission: a missing account is Forbidden, named by generateName before a name exists', () => {
  const lookup = accounts({ 'default/default': { metadata: { name: 'default' } } });
  assert.equal(admitPod(bare(), { randomSuffix: () => 'bbbbb', serviceAccount: lookup }).spec.serviceAccountName, 'default');
  const e = failure(() => admitPod(bare({ serviceAccountName: 'nope' }), { randomSuffix: () => 'bbbbb', serviceAccount: lookup }));
  assert.equal(e.kubectlMessage(), 'Error from server (Forbidden): pods "p" is forbidden: error looking up service account default/nope: serviceaccount "nope" not found');
  const g = failure(() => admitPod(bare({ serviceAccountName: 'nope' }, { generateName: 'job-' }), { randomSuffix: () => 'bbbbb', serviceAccount: lookup }));
  assert.match(g.message, /^pods "job-" is forbidden: /);
});

test("ServiceAccount admission: the account's automount and imagePullSecrets apply unless the pod says otherwise", () => {
  const lookup = accounts({ 'default/quiet': { metadata: { name: 'quiet' }, automountServiceAccountToken: false, imagePullSecrets: [{ name: 'reg' }] } });
  const quiet = admitPod(bare({ serviceAccountName: 'quiet' }), { randomSuffix: () => 'bbbbb', serviceAccount: lookup });
  assert.equal(quiet.spec.volumes, undefined);
  assert.deepEqual(quiet.spec.imagePullSecrets, [{ name: 'reg' }]);
  const loud = admitPod(bare({ serviceAccountName: 'quiet', automountServiceAccountToken: true, imagePullSecrets: [{ name: 'mine' }] }), { randomSuffix: () => 'bbbbb', serviceAccount: lookup });
  assert.equal(loud.spec.volumes[0].name, 'kube-api-access-bbbbb');
  assert.deepEqual(loud.spec.imagePullSecrets, [{ name: 'mine' }]);
});
