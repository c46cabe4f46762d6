import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadManifests, parseManifestText, resolveKind } from './manifests.js';
import { UserError } from '../errors.js';
import { tempDir } from '../util/testing.js';

const JOB = `apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
      restartPolicy: Never
`;

function tmp(): string {
  return tempDir('manifests');
}

test('multi-document YAML, empty documents skipped', () => {
  const d = tmp();
  const f = join(d, 'multi.yaml');
  writeFileSync(f, `---\n${JOB}---\n# just a comment\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n---\n`);
  const r = loadManifests([f]);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.docs.map((x) => x.object.kind), ['Job', 'Service']);
  assert.equal(r.docs[0].source, f);
  assert.equal(r.docs[0].object.spec.template.spec.containers[0].image, 'perl:5.34.0');
});

test('JSON files, concatenated JSON, List expansion', () => {
  const d = tmp();
  const f = join(d, 'a.json');
  writeFileSync(f, '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}\n{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}]}');
  const r = loadManifests([f]);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.docs.map((x) => `${x.object.kind}/${x.object.metadata.name}`), ['Namespace/a', 'Pod/p']);
  const typed = parseManifestText('apiVersion: batch/v1\nkind: JobList\nitems:\n- metadata:\n    name: j1\n', 'x.yaml');
  assert.equal(typed[0].object.kind, 'Job');
  assert.equal(typed[0].object.apiVersion, 'batch/v1');
});

test('YAML 1.1 scalars as go-yaml reads them', () => {
  const [doc] = parseManifestText('a: 2024-01-01\nb: yes\nc: 0777\nd: "1"\n', 'x.yaml');
  assert.deepEqual(doc.object, { a: '2024-01-01', b: true, c: 511, d: '1' });
});

test('directories: manifest extensions only, sorted, recursive only with -R', () => {
  const d = tmp();
  writeFileSync(join(d, 'b.yaml'), JOB.replace('name: pi', 'name: b'));
  writeFileSync(join(d, 'a.yml'), JOB.replace('name: pi', 'name: a'));
  writeFileSync(join(d, 'c.json'), '{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"c"}}');
  writeFileSync(join(d, 'notes.txt'), 'not a manifest');
  mkdirSync(join(d, 'sub'));
  writeFileSync(join(d, 'sub', 'd.yaml'), JOB.replace('name: pi', 'name: d'));
  const r = loadManifests([d]);
  assert.deepEqual(r.docs.map((x) => x.object.metadata.name), ['a', 'b', 'c']);
  assert.equal(r.docs[0].source, join(d, 'a.yml'));
  const rr = loadManifests([d], { recursive: true });
  assert.deepEqual(rr.docs.map((x) => x.object.metadata.name), ['a', 'b', 'c', 'd']);
  const empty = tmp();
  // resource.Builder: a directory without one manifest is an error
  const e = loadManifests([empty]);
  assert.deepEqual([e.docs, e.errors.map((x) => x.message)], [[], [`error: error reading [${empty}]: recognized file extensions are [.json .yaml .yml]`]]);
});

test('stdin is read through the injected function, source STDIN', () => {
  const r = loadManifests(['-'], { readStdin: () => JOB });
  assert.equal(r.docs.length, 1);
  assert.equal(r.docs[0].source, 'STDIN');
});

test('missing path', () => {
  const r = loadManifests(['missing.yaml']);
  assert.equal(r.errors.length, 1);
  assert.ok(r.errors[0] instanceof UserError);
  assert.equal(r.errors[0].message, 'error: the path "missing.yaml" does not exist');
});

function parseErr(text: string): string {
  try {
    parseManifestText(text, 'broken.yaml');
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

test('YAML errors in go-yaml words', () => {
  const pre = 'error: error parsing broken.yaml: error converting YAML to JSON: yaml: ';
  assert.equal(
    parseErr('apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x\n  labels: a: b\n'),
    pre + 'line 5: mapping values are not allowed in this context',
  );
  assert.equal(parseErr('a:\n\tb: 1\n'), pre + 'line 2: found character that cannot start any token');
  assert.equal(parseErr('a: @x\n'), pre + 'line 1: found character that cannot start any token');
  // parser errors carry go-yaml's 0-based line
  assert.equal(parseErr('a:\n  b: 1\n c: 2\n'), pre + 'line 2: did not find expected key');
  assert.equal(parseErr('spec:\n  containers:\n  - name: x\n   image: y\n'), pre + 'line 3: did not find expected key');
  assert.equal(parseErr('a: 1\nfoo\n'), pre + "line 3: could not find expected ':'");
  // line numbers restart after a --- separator, as kubectl splits documents first
  assert.equal(parseErr(`${JOB}---\na: 1\nb: c: d\n`), pre + 'line 2: mapping values are not allowed in this context');
});

test('a parse error fails that file only', () => {
  const d = tmp();
  writeFileSync(join(d, 'bad.yaml'), 'a: b: c\n');
  writeFileSync(join(d, 'good.yaml'), JOB);
  const r = loadManifests([join(d, 'bad.yaml'), join(d, 'good.yaml')]);
  assert.equal(r.docs.length, 1);
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0].message, /^error: error parsing .*bad\.yaml: error converting YAML to JSON: yaml: line 1: mapping values/);
});

test('non-object documents', () => {
  assert.throws(() => parseManifestText('- a\n- b\n', 'l.yaml'), /error: unable to decode "l.yaml": json: cannot unmarshal array into Go value of type map\[string\]interface \{\}/);
});

test('resolveKind maps apiVersion/kind', () => {
  assert.equal(resolveKind({ apiVersion: 'batch/v1', kind: 'Job' }, 'f').resource, 'jobs');
  assert.equal(resolveKind({ apiVersion: 'v1', kind: 'Pod' }, 'f').resource, 'pods');
  assert.throws(
    () => resolveKind({ apiVersion: 'batch/v1', kind: 'Jobb', metadata: { name: 'x' } }, 'badkind.yaml'),
    (e: unknown) =>
      e instanceof UserError &&
      e.message ===
        'error: resource mapping not found for name: "x" namespace: "" from "badkind.yaml": no matches for kind "Jobb" in version "batch/v1"\nensure CRDs are installed first',
  );
  assert.throws(() => resolveKind({ kind: 'Job', metadata: { name: 'x', namespace: 'n' } }, 'f.yaml'), /namespace: "n" from "f.yaml": no matches for kind "Job" in version ""/);
  assert.throws(
    () => resolveKind({ apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'c' } }, 'cj.yaml'),
    (e: unknown) =>
      (e as Error).message ===
        'error: resource mapping not found for name: "c" namespace: "" from "cj.yaml": no matches for kind "CronJob" in version "batch/v1beta1"\nensure CRDs are installed first\nkjob: batch/v1beta1 was removed in Kubernetes v1.25; use apiVersion: batch/v1',
  );
  assert.throws(() => resolveKind({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' } }, 'ev.yaml'), /events are read-only/);
  assert.throws(() => resolveKind({ apiVersion: 'v1' }, 'k.yaml'), /Object 'Kind' is missing/);
});

test('an alias bomb is refused at once with go-yaml\'s message, merge keys still work', () => {
  const levels = 'abcdefghi'.split('');
  const bomb = levels.map((l, i) => `${l}: &${l} [${i === 0 ? Array(9).fill('"lol"').join(',') : Array(9).fill(`*${levels[i - 1]}`).join(',')}]`).join('\n');
  const started = performance.now();
  assert.throws(() => parseManifestText(bomb, 'bomb.yaml'), (e: unknown) => e instanceof UserError && e.message === 'error: error parsing bomb.yaml: error converting YAML to JSON: yaml: document contains excessive aliasing');
  // (Expanded, it would be 387 million strings.) Refused in well under a second, as the issue
  // asks: a limit set too high would still refuse it, but only after seconds of expansion.
  const ms = performance.now() - started;
  assert.ok(ms < 1000, `the alias bomb took ${Math.round(ms)} ms to refuse`);
  const [doc] = parseManifestText('base: &b {x: 1}\nkind: Job\napiVersion: batch/v1\nmetadata: {<<: *b, name: m}\n', 'm.yaml');
  assert.deepEqual(doc.object.metadata, { x: 1, name: 'm' });
});
