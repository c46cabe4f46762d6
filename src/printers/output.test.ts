// -o yaml / -o json goldens: test/golden/printers/get-*.{yaml,json} were printed by the real
// kubectl v1.32.4 (`kubectl get ... -o yaml|json` against kube-mirror serving world.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toJSON, toJSONAsGiven, toYAML, asList, nameOf, yamlKeyLess } from './output.js';
import type { KObject } from '../api/types.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../test/golden/printers');
const world = JSON.parse(fs.readFileSync(path.join(dir, 'world.json'), 'utf8'));
const items: KObject[] = world.items;
const get = (kind: string, name: string) => items.find((x) => x.kind === kind && x.metadata.name === name)!;
const golden = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');

test('-o yaml matches kubectl (job, pod, cronjob, list)', () => {
  assert.equal(toYAML(get('Job', 'pi')), golden('get-job-pi.yaml'));
  assert.equal(toYAML(get('Pod', 'pi-x7k2p')), golden('get-pod-pi.yaml'));
  assert.equal(toYAML(get('CronJob', 'hello')), golden('get-cronjob-hello.yaml'));
  assert.equal(toYAML(get('Pod', 'web-0')), golden('get-pod-web.yaml'));
  assert.equal(toYAML(get('CronJob', 'nightly')), golden('get-cronjob-nightly.yaml'));
  assert.equal(toYAML(asList(items.filter((o) => o.kind === 'Job'))), golden('get-jobs-list.yaml'));
});

test('-o json matches kubectl', () => {
  assert.equal(toJSON(get('Job', 'pi')), golden('get-job-pi.json'));
  assert.equal(toJSON(get('Pod', 'web-0')), golden('get-pod-web.json'));
});

test('empty List', () => {
  assert.equal(toYAML(asList([])), 'apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n');
  assert.equal(toJSON(asList([])), '{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n');
});

// Expected text as printed by `kubectl create job x --image=busybox --dry-run=client -o yaml -- ARGS`
// (there the list sits at column 8, so the 80-column fold falls one word earlier).
test('yaml scalar styles as go-yaml v2 emits them', () => {
  const args = ['echo one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen',
    'a\ttab', ' lead', 'trail ', 'x: y', '1', 'true', '', 'multi\nline\n', '2026-01-01', '0x1F', '#c', '- d', 'a #b', 'é ü', '*/1 * * * *', 'no', 'a\nb'];
  assert.equal(toYAML({ command: args }),
    'command:\n' +
    '- echo one two three four five six seven eight nine ten eleven twelve thirteen fourteen\n' +
    '  fifteen sixteen\n' +
    '- "a\\ttab"\n' +
    "- ' lead'\n" +
    "- 'trail '\n" +
    "- 'x: y'\n" +
    '- "1"\n' +
    '- "true"\n' +
    '- ""\n' +
    '- |\n  multi\n  line\n' +
    '- "2026-01-01"\n' +
    '- "0x1F"\n' +
    "- '#c'\n" +
    "- '- d'\n" +
    "- 'a #b'\n" +
    '- é ü\n' +
    "- '*/1 * * * *'\n" +
    '- "no"\n' +
    '- |-\n  a\n  b\n');
  assert.equal(toYAML({ a: { b: [] , c: {}, d: null, e: 1.5, f: false, g: [[1, 2], { h: 1, i: 2 }] } }),
    'a:\n  b: []\n  c: {}\n  d: null\n  e: 1.5\n  f: false\n  g:\n  - - 1\n    - 2\n  - h: 1\n    i: 2\n');
});

test('yaml key order is go-yaml natural order; json is bytewise', () => {
  const m = { a10: 1, a2: 2, B: 3, _x: 4, 'a.b': 5 };
  assert.equal(toYAML(m), '_x: 4\nB: 3\na.b: 5\na2: 2\na10: 1\n');
  assert.ok(yamlKeyLess('a2', 'a10'));
  assert.ok(yamlKeyLess('_x', 'B'));
  assert.ok(yamlKeyLess('B', 'a'));
  assert.equal(toJSON({ b: 1, a: '<&>' }), '{\n    "a": "\\u003c\\u0026\\u003e",\n    "b": 1\n}\n');
  // A typed object's JSON keeps its fields' order, with the same escapes as encoding/json's.
  assert.equal(toJSONAsGiven({ b: 1, a: '<\u2028\u2029>' }), '{\n    "b": 1,\n    "a": "\\u003c\\u2028\\u2029\\u003e"\n}\n');
});

test('nameOf', () => {
  assert.equal(nameOf(get('Job', 'pi')), 'job.batch/pi');
  assert.equal(nameOf(get('Pod', 'pi-x7k2p')), 'pod/pi-x7k2p');
  assert.equal(nameOf(get('CronJob', 'hello')), 'cronjob.batch/hello');
  assert.equal(nameOf({ kind: 'Event', apiVersion: 'v1', metadata: { name: 'pi.1' } }), 'event/pi.1');
});

// Expected as `kubectl create job x --image=busybox --dry-run=client -o yaml -- ARGS` prints them:
// a string go-yaml would read back as a number is quoted; one it would not (1e400 overflows
// float64, e0 has no digits before its exponent) is plain.
test("yaml: a string is quoted exactly where go-yaml v2 would read it back as a number", () => {
  assert.equal(toYAML({ command: ['1e400', '1e3', '0o17', 'e0', '.5', '1_000', '+.5', '0x_1'] }), 'command:\n- 1e400\n- "1e3"\n- "0o17"\n- e0\n- ".5"\n- "1_000"\n- "+.5"\n- "0x_1"\n');
});
