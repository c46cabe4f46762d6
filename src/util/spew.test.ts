// go-spew's %#v, as DeepHashObject prints a Go struct: against go-spew 1.1.1's own output for a
// struct with the kinds a PodTemplateSpec holds, and the pod-template-hash of seed 004's two
// Deployments as a Kubernetes 1.28 cluster named them (with that version's Go types).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spewGoSyntax, quantity, type GoTypes } from './spew.js';
import { computeHash, fnv32a, safeEncodeString } from '../controllers/deployment/util.js';
import { defaultPodTemplate } from '../api/defaults.js';

const S = (fields: [string, string, string?][]) => ({ kind: 'struct' as const, fields: fields.map(([name, type, json]) => ({ name, type, ...(json ? { json } : {}) })) });

/** The Go program's types (package keys as in v1.32.gotypes.json). */
const TYPES: GoTypes = {
  packages: { core: 'v1', resource: 'resource', intstr: 'intstr', inf: 'inf' },
  types: {
    'core.ResourceName': { kind: 'named', underlying: 'string' },
    'core.ResourceList': { kind: 'named', underlying: 'map[core.ResourceName]resource.Quantity' },
    'core.Res': S([['Limits', 'core.ResourceList', 'limits'], ['Requests', 'core.ResourceList', 'requests']]),
    'core.Inner': S([['Name', 'string', 'name'], ['Flag', '*bool', 'flag']]),
    'core.Probe': S([['Port', 'intstr.IntOrString', 'port'], ['P', '*intstr.IntOrString', 'p']]),
    'core.Obj': S([['Res', 'core.Res', 'res'], ['Grace', '*int64', 'grace'], ['Args', '[]string', 'args'], ['None', '[]string', 'none'], ['Labels', 'map[string]string', 'labels'],
      ['Items', '[]core.Inner', 'items'], ['Ptrs', '[]*core.Inner', 'ptrs'], ['In', '*core.Inner', 'in'], ['NilIn', '*core.Inner', 'nilIn'], ['Pr', 'core.Probe', 'pr'], ['B', 'bool', 'b']]),
    'intstr.IntOrString': S([['Type', 'intstr.Type'], ['IntVal', 'int32'], ['StrVal', 'string']]),
    'intstr.Type': { kind: 'named', underlying: 'int64' },
    'resource.Quantity': S([]),
    'inf.Dec': { kind: 'opaque' },
  },
};

test('%#v of a Go struct as go-spew 1.1.1 prints it (types, nil, pointers, slices, sorted maps, IntOrString, Quantity)', () => {
  const obj = {
    res: { limits: { memory: '128Mi', cpu: '100m' } }, grace: 30, args: ['sh', '-c', 'a b'], none: [], labels: { b: '2', a: '1' },
    items: [{ name: 'x' }], ptrs: [{ name: 'y', flag: true }], in: { name: 'z' }, pr: { port: 'http', p: 8080 },
  };
  // Printed by a Go 1.19 program with go-spew 1.1.1 and these types (the Quantities built as
  // resource.ParseQuantity leaves "128Mi" and "100m").
  const want = '(v1.Obj){Res:(v1.Res){Limits:(v1.ResourceList)map[cpu:{i:(resource.int64Amount){value:(int64)100 scale:(resource.Scale)-3} d:(resource.infDecAmount){Dec:(*inf.Dec)<nil>} s:(string)100m Format:(resource.Format)DecimalSI} memory:{i:(resource.int64Amount){value:(int64)134217728 scale:(resource.Scale)0} d:(resource.infDecAmount){Dec:(*inf.Dec)<nil>} s:(string) Format:(resource.Format)BinarySI}] Requests:(v1.ResourceList)<nil>} Grace:(*int64)30 Args:([]string)[sh -c a b] None:([]string)<nil> Labels:(map[string]string)map[a:1 b:2] Items:([]v1.Inner)[{Name:(string)x Flag:(*bool)<nil>}] Ptrs:([]*v1.Inner)[<*>{Name:(string)y Flag:(*bool)true}] In:(*v1.Inner){Name:(string)z Flag:(*bool)<nil>} NilIn:(*v1.Inner)<nil> Pr:(v1.Probe){Port:(intstr.IntOrString){Type:(intstr.Type)1 IntVal:(int32)0 StrVal:(string)http} P:(*intstr.IntOrString){Type:(intstr.Type)0 IntVal:(int32)8080 StrVal:(string)}} B:(bool)false}';
  assert.equal(spewGoSyntax('core.Obj', obj, { types: TYPES }), want);
});

test('a Quantity as resource.ParseQuantity leaves it: its int64 amount, and its string kept only when canonical and exact', () => {
  const q = (v: string, s: string, f: string) => `{i:(resource.int64Amount){value:(int64)${v}} d:(resource.infDecAmount){Dec:(*inf.Dec)<nil>} s:(string)${s} Format:(resource.Format)${f}}`;
  assert.equal(quantity('0'), q('0 scale:(resource.Scale)0', '0', 'DecimalSI'));
  assert.equal(quantity('100m'), q('100 scale:(resource.Scale)-3', '100m', 'DecimalSI'));
  assert.equal(quantity('1'), q('1 scale:(resource.Scale)0', '1', 'DecimalSI'));
  assert.equal(quantity('1Gi'), q('1073741824 scale:(resource.Scale)0', '1Gi', 'BinarySI'));
  assert.equal(quantity('128Mi'), q('134217728 scale:(resource.Scale)0', '', 'BinarySI'));
  assert.equal(quantity('1500m'), q('1500 scale:(resource.Scale)-3', '1500m', 'DecimalSI'));
  // an exponent is ParseQuantity's DecimalExponent, kept as written when canonical
  assert.equal(quantity('1e3'), q('1 scale:(resource.Scale)3', '1e3', 'DecimalExponent'));
  assert.equal(quantity('10e-3'), q('10 scale:(resource.Scale)-3', '10e-3', 'DecimalExponent'));
  assert.notEqual(quantity('2e3'), quantity('1e3'));
});

const v128 = JSON.parse(fs.readFileSync(fileURLToPath(new URL('./testdata/gotypes-v1.28.json', import.meta.url)), 'utf8')) as GoTypes;
const hash128 = (template: object) => safeEncodeString(String(fnv32a(spewGoSyntax('core.PodTemplateSpec', template, { types: v128 }))));

test('the pod-template-hash of seed 004\'s Deployments, defaulted as the apiserver does, is the one a 1.28 cluster gave them', () => {
  const initDeploy = defaultPodTemplate({
    metadata: { labels: { app: 'nginx' } },
    spec: {
      volumes: [{ name: 'init-volume', emptyDir: {} }],
      initContainers: [{ command: ['sh', '-c', 'touch /mnt/test-init.txt'], image: 'nginx', name: 'init-test', volumeMounts: [{ name: 'init-volume', mountPath: '/mnt' }] }],
      containers: [{ image: 'nginx:1.20.0', name: 'nginx01', volumeMounts: [{ name: 'init-volume', mountPath: '/mnt' }] }],
    },
  });
  assert.equal(hash128(initDeploy), '67f9b78699'); // kubectl exec nginx-67f9b78699-r8kbm -- ls /mnt
  const plain = defaultPodTemplate({ metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ image: 'nginx:1.20.0', name: 'nginx01' }] } });
  assert.equal(hash128(plain), '5bdd68b495'); // kubectl exec -it nginx-5bdd68b495-drmtw -- bash
  // kjob's own, with v1.32's types (more PodSpec fields, another printing, another hash).
  assert.equal(computeHash(plain), '76b9995cdf');
  assert.equal(computeHash(initDeploy), 'f76479f7c');
});

test('ComputeHash: the collision count is hashed after the template, as 8 bytes', () => {
  const t = defaultPodTemplate({ metadata: { labels: { app: 'x' } }, spec: { containers: [{ image: 'busybox', name: 'c' }] } });
  const text = spewGoSyntax('core.PodTemplateSpec', t);
  const b = Buffer.alloc(8);
  b.writeUInt32LE(3);
  assert.equal(computeHash(t, 3), safeEncodeString(String(fnv32a(Buffer.concat([Buffer.from(text), b])))));
  assert.equal(computeHash(t), safeEncodeString(String(fnv32a(text))));
  assert.notEqual(computeHash(t, 0), computeHash(t));
});

test('ComputeHash hashes a quantity in the form the apiserver stores (Quantity.String()), as the informer parses it', () => {
  const t = (cpu: string, memory: string) => defaultPodTemplate({ metadata: { labels: { app: 'x' } }, spec: { containers: [{ image: 'busybox', name: 'c', resources: { requests: { cpu, memory } } }] } });
  assert.equal(computeHash(t('0.5', '1024Mi')), computeHash(t('500m', '1Gi')));
  assert.notEqual(computeHash(t('0.5', '1Gi')), computeHash(t('1', '1Gi')));
  assert.match(spewGoSyntax('core.PodTemplateSpec', t('500m', '1Gi')), /Requests:\(v1\.ResourceList\)map\[cpu:\{i:\(resource\.int64Amount\)\{value:\(int64\)500 scale:\(resource\.Scale\)-3\} d:\(resource\.infDecAmount\)\{Dec:\(\*inf\.Dec\)<nil>\} s:\(string\)500m Format:\(resource\.Format\)DecimalSI\} memory:/);
});

test('a time that does not parse is hashed as the zero time, not a failed sync', () => {
  assert.equal(spewGoSyntax('core.PodTemplateSpec', { metadata: { creationTimestamp: 'bogus' } }), spewGoSyntax('core.PodTemplateSpec', { metadata: {} }));
});
