// Fuzzing the CLI in-process from a fixed seed: 10,000 manifests (mutations of the fixtures:
// type swaps, deletions, unknown fields, huge and negative numbers, unicode, deep nesting, long
// strings, random bytes in the text; written as YAML or JSON) and argument strings, each run
// through main() against one throwaway state directory with no engine. Every run exits 0 or 1
// and none is "a bug"; afterwards every object stored (or changed) by them decodes and validates,
// and get and describe of every kind still work. A few objects of the wrong shape, as a state
// file written before decoding was strict may hold, are there from the start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { main } from './main.js';
import { Store } from '../store/store.js';
import { decodeTyped } from '../apiserver/decode.js';
import { validateCreate } from '../api/validation.js';
import { resourceForKind } from '../api/resources.js';
import type { Kind } from '../api/types.js';
import { rng as prng } from '../util/prng.js';
import { tempDir } from '../util/testing.js';

process.env.KJOB_ENGINE = 'off';

const RUNS = Number(process.env.KJOB_FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.KJOB_FUZZ_SEED ?? 20261202);

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = fs
  .readdirSync(path.join(root, 'fixtures'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(root, 'fixtures', f), 'utf8')).map((d) => d.toJS()))
  .filter((o) => o && typeof o === 'object');
// Services and pods too, which no fixture has.
FIXTURES.push(
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { selector: { app: 'x' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod' }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['true'], env: [{ name: 'A', value: '1' }] }], restartPolicy: 'Never' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fuzz' } },
);

function fuzzer(rand: () => number) {
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const STRINGS = ['', 'x', 'ЁЁ', '😀', 'a\u0000b', '\u202eevil', ' lead', 'trail ', 'a=b', '-1', '3', 'true', 'null', '1.5', '0x10', '1e3', '2Gi', '100m', 'Always', 'Never', 'OnFailure', 'Indexed', '*/1 * * * *', 'TZ=UTC * * * * *', 'a'.repeat(64), 'b'.repeat(254), 'UPPER', 'a/b', 'kubernetes.io/x', '2024-01-01T00:00:00Z', 'aGVsbG8='];
  const NUMBERS = [0, 1, -1, 3, 1.5, -0.5, 2147483647, 2147483648, -2147483649, 2 ** 53, 2 ** 53 + 2, 1e20, 1e21, -1e300, 65535, 65536, 70000, 0.1, 1e-7, 511];
  const scalar = (): unknown => {
    switch (int(6)) {
      case 0:
        return pick(STRINGS);
      case 1:
        return pick(NUMBERS);
      case 2:
        return rand() < 0.5;
      case 3:
        return null;
      case 4:
        return rand() < 0.02 ? 'z'.repeat(200_000 + int(100_000)) : String.fromCodePoint(...Array.from({ length: 1 + int(12) }, () => 0x20 + int(0x2fff)));
      default:
        return int(100);
    }
  };
  const anyValue = (depth = 0): unknown => {
    const r = rand();
    if (depth > 3 || r < 0.6) return scalar();
    if (r < 0.8) return Array.from({ length: int(3) }, () => anyValue(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = 0; i < int(3); i++) o[pick(['a', 'name', 'foo', 'spec', 'value', 'image', 'k'])] = anyValue(depth + 1);
    return o;
  };
  const deep = (): unknown => {
    let v: unknown = 'bottom';
    for (let i = 0, n = 20 + int(200); i < n; i++) v = rand() < 0.5 ? [v] : { n: v };
    return v;
  };
  /** Every (container, key) pair inside v. */
  const slots = (v: unknown, out: [any, string | number][] = []): [any, string | number][] => {
    if (Array.isArray(v)) v.forEach((e, i) => (out.push([v, i]), slots(e, out)));
    else if (v && typeof v === 'object') for (const k of Object.keys(v)) out.push([v, k]), slots((v as any)[k], out);
    return out;
  };
  const mutateObject = (o: Record<string, unknown>): void => {
    for (let n = 1 + int(3); n > 0; n--) {
      const all = slots(o);
      if (all.length === 0) return;
      const [parent, key] = pick(all);
      switch (int(7)) {
        case 0: // type swap
        case 1:
          parent[key] = scalar();
          break;
        case 2: // delete
          if (Array.isArray(parent)) parent.splice(key as number, 1);
          else delete parent[key];
          break;
        case 3: // unknown field
          if (parent[key] && typeof parent[key] === 'object' && !Array.isArray(parent[key])) parent[key][pick(['foo', 'Completions', 'imagePullPolice', 'extra'])] = anyValue();
          else parent[key] = anyValue();
          break;
        case 4: // structure swap
          parent[key] = anyValue();
          break;
        case 5:
          if (rand() < 0.2) parent[key] = deep();
          else parent[key] = pick(NUMBERS);
          break;
        default: // a string where a number was, or the reverse
          parent[key] = typeof parent[key] === 'number' ? String(parent[key]) : typeof parent[key] === 'string' && /^\d+$/.test(parent[key]) ? Number(parent[key]) : pick(STRINGS);
      }
    }
  };
  const mutateText = (text: string): string => {
    const chars = [...text];
    for (let n = 1 + int(4); n > 0 && chars.length > 0; n--) {
      const i = int(chars.length);
      switch (int(5)) {
        case 0:
          chars.splice(i, 1);
          break;
        case 1:
          chars.splice(i, 0, String.fromCharCode(int(256)));
          break;
        case 2:
          chars.splice(i, 0, pick([':', '-', '{', '}', '[', ']', '"', "'", '\t', '\n', '&a', '*a', '!!', '#', '---\n', '  ', '|', '>']));
          break;
        case 3:
          chars.length = i;
          break;
        default:
          chars[i] = String.fromCharCode(32 + int(95));
      }
    }
    return chars.join('');
  };
  const manifest = (): string => {
    const base = structuredClone(pick(FIXTURES)) as Record<string, unknown>;
    // names must differ sometimes, collide sometimes
    if (base.metadata && typeof base.metadata === 'object') (base.metadata as any).name = `${(base.metadata as any).name ?? 'x'}${rand() < 0.5 ? '' : `-${int(20)}`}`;
    if (rand() < 0.85) mutateObject(base);
    const docs = rand() < 0.1 ? [base, structuredClone(pick(FIXTURES))] : [base];
    const json = rand() < 0.35;
    let text = json ? docs.map((d) => JSON.stringify(d, null, rand() < 0.5 ? 2 : 0)).join('\n') : docs.map((d) => YAML.stringify(d)).join('---\n');
    if (rand() < 0.25) text = mutateText(text);
    return text;
  };
  const argv = (file: string): string[] => {
    const VERBS: string[][] = [
      ['apply', '-f', file],
      ['create', '-f', file],
      ['apply', '-f', file, `--validate=${pick(['strict', 'warn', 'ignore', 'true', 'false', 'bogus', ''])}`],
      ['create', '-f', file, '--dry-run=server'],
      ['apply', '-f', file, '--dry-run=client'],
      ['get', pick(['jobs', 'pods', 'cronjobs', 'services', 'events', 'namespaces', 'all', 'job,pod', 'nosuch', 'jobs.batch', 'cj'])],
      ['get', pick(['jobs', 'pods', 'cronjobs']), '-o', pick(['yaml', 'json', 'wide', 'name', 'jsonpath={.items[*].metadata.name}', 'bogus'])],
      ['describe', pick(['jobs', 'pods', 'cronjobs', 'job/pi', 'cj'])],
      ['patch', pick(['job', 'cronjob', 'pod']), pick(['pi', 'hello', 'pod', 'nosuch']), '-p', pick(['{"spec":{"suspend":true}}', '{"spec":{"parallelism":"x"}}', '{"spec":{"foo":1}}', '{"metadata":{"labels":{"a":"b"}}}', '[{"op":"replace","path":"/spec/parallelism","value":-1}]', '{', '5']), ...(rand() < 0.3 ? ['--type', pick(['json', 'merge', 'strategic', 'x'])] : [])],
      ['delete', pick(['job', 'pod', 'cronjob', 'svc']), pick(['pi', 'hello', 'pod', 'svc', 'nosuch']), '--wait=false', ...(rand() < 0.3 ? ['--ignore-not-found'] : [])],
      ['create', 'job', pick(['j', 'J!', 'a'.repeat(70), `j${int(9)}`]), `--image=${pick(['busybox', '', ' x'])}`, '--', 'true'],
      ['create', 'cronjob', pick(['c', `c${int(9)}`, 'x'.repeat(60)]), '--image=busybox', `--schedule=${pick(['* * * * *', 'bogus', '@hourly', '61 * * * *'])}`],
      [pick(['api-resources', 'version', 'bogus', '--help', 'get', 'describe', 'apply'])],
      ['schedule', '--schedule', pick(['* * * * *', '*/5 * * * *', 'x']), '--count', pick(['1', '3', '-1', 'x'])],
    ];
    const a = [...pick(VERBS)];
    // random extra words and flags
    if (rand() < 0.15) a.splice(int(a.length + 1), 0, pick(['-n', '--namespace=fuzz', '-A', '-l', 'a=b', '--bogus', '-o', 'x', '=', 'ЁЁ', '--validate', '-R']));
    return a;
  };
  return { manifest, argv };
}

test(`fuzz: ${RUNS} manifests and command lines through main() (seed ${SEED})`, async () => {
  const home = tempDir('fuzz');
  const file = path.join(home, 'm.yaml');
  const rand = prng(SEED);
  const fz = fuzzer(rand);
  const problems: string[] = [];
  const codes = new Map<number, number>();
  // Objects stored before decoding was strict, under the names the fixtures use, so that apply,
  // patch, delete, get and describe meet them too.
  const seeded = new Map<string, string>();
  {
    const store = Store.open(home);
    const bad = (kind: string, apiVersion: string, name: string, body: Record<string, unknown>) => {
      const o = store.create({ apiVersion, kind, metadata: { name, namespace: 'default', uid: randomUUID(), annotations: 5 as unknown as Record<string, string> }, ...body } as never);
      seeded.set(o.metadata.uid!, o.metadata.resourceVersion!);
    };
    bad('Job', 'batch/v1', 'pi', { spec: { completions: '3', suspend: 'true', template: { spec: { containers: 'x' } } }, status: { conditions: 'y' } });
    bad('Job', 'batch/v1', 'echo-3', { spec: 5 });
    bad('CronJob', 'batch/v1', 'hello', { spec: { schedule: 5, jobTemplate: { spec: { template: 'x' } } }, status: { active: 'x' } });
    bad('Pod', 'v1', 'pod', { spec: { containers: [7] }, status: { containerStatuses: 'x' } });
    bad('Service', 'v1', 'svc', { spec: { ports: 'x' } });
    store.close();
  }
  try {
    for (let i = 0; i < RUNS; i++) {
      const text = fz.manifest();
      const argv = fz.argv(file);
      // A new file each run: rewriting one in place (O_TRUNC) makes ext4 flush it on close
      // (auto_da_alloc), which was a quarter of this test's time.
      fs.rmSync(file, { force: true });
      fs.writeFileSync(file, text);
      let err = '';
      const code = await main(['--home', home, ...argv], { out: () => undefined, err: (s: string) => void (err += s) });
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if ((code !== 0 && code !== 1) || /this is a bug/.test(err)) {
        problems.push(`run ${i}: kjob ${argv.join(' ')} exited ${code}\n${err.slice(0, 1500)}\n--- manifest ---\n${text.slice(0, 1500)}`);
        if (problems.length >= 5) break;
      }
    }
    assert.deepEqual(problems, [], problems.join('\n\n'));

    // Nothing stored that a v1.32 apiserver would refuse.
    const store = Store.open(home);
    const refused: string[] = [];
    let stored = 0;
    try {
      for (const kind of ['Job', 'CronJob', 'Pod', 'Service', 'Namespace'] as Kind[]) {
        for (const obj of store.list(kind)) {
          if (seeded.get(obj.metadata.uid!) === obj.metadata.resourceVersion) continue;
          stored++;
          const d = decodeTyped(kind, obj as Record<string, unknown>, 'Strict');
          if (d.error) refused.push(`${kind}/${obj.metadata.name}: ${d.error}`);
          const causes = validateCreate(resourceForKind(kind)!, obj);
          if (causes.length) refused.push(`${kind}/${obj.metadata.name}: ${causes.map((c) => `${c.field}: ${c.message}`).join('; ').slice(0, 400)}`);
        }
      }
    } finally {
      store.close();
    }
    assert.deepEqual(refused, [], refused.slice(0, 10).join('\n'));
    assert.ok(stored > 20, `only ${stored} objects were stored: the fuzzer should keep many manifests valid`);

    // Every reader still works on what is there.
    for (const argv of [['get', 'jobs,cronjobs,pods,services,events,namespaces', '-A'], ['get', 'all', '-A', '-o', 'wide'], ['get', 'jobs,pods', '-A', '-o', 'yaml'], ['describe', 'jobs', '-A'], ['describe', 'cronjobs', '-A'], ['describe', 'pods', '-A']]) {
      let err = '';
      const code = await main(['--home', home, ...argv], { out: () => undefined, err: (s: string) => void (err += s) });
      assert.ok((code === 0 || code === 1) && !/this is a bug/.test(err), `${argv.join(' ')}: ${code} ${err.slice(0, 2000)}`);
    }
    if (process.env.KJOB_TEST_VERBOSE) console.log(`exit codes: ${JSON.stringify([...codes])}, stored objects: ${stored}`);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
