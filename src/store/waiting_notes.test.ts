import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { noteCommandWaiting, waitingNotesDir, commandWaiting, WAITING_NOTE_MAX_AGE_MS, SETTLED_MS, RELIST_MS } from './waiting_notes.js';
import { Store } from './store.js';
import { tempDir } from '../util/testing.js';

const homes: string[] = [];
const home = () => {
  const h = tempDir('writers');
  homes.push(h);
  return h;
};
afterEach(() => {
  for (const h of homes.splice(0)) fs.rmSync(h, { recursive: true, force: true });
});

const noteOf = (h: string, pid: number) => {
  fs.mkdirSync(waitingNotesDir(h), { recursive: true });
  const f = path.join(waitingNotesDir(h), String(pid));
  fs.writeFileSync(f, '');
  return f;
};

test("a live process's fresh note is a waiting writer; its done() takes it away", () => {
  const h = home();
  assert.equal(commandWaiting(h), false, 'no directory: nobody waits');
  const note = noteCommandWaiting(h);
  // This process's own note does not count for itself (the engine never waits for itself)...
  assert.equal(commandWaiting(h), false);
  // ...another live process's does (the runner that started this test lives).
  const other = noteOf(h, process.ppid);
  assert.equal(commandWaiting(h), true);
  note.done();
  assert.deepEqual(fs.readdirSync(waitingNotesDir(h)), [String(process.ppid)]);
  // A note that has stayed longer than a write could take is not waited for (its writer is stuck).
  const old = (Date.now() - WAITING_NOTE_MAX_AGE_MS - 1000) / 1000;
  fs.utimesSync(other, old, old);
  assert.equal(commandWaiting(h), false);
  assert.ok(fs.existsSync(other), 'kept: its process lives');
});

test('the note of a process that ended (killed while it waited) is removed, not waited for', () => {
  const h = home();
  const ended = spawnSync(process.execPath, ['-e', '0']).pid!;
  const f = noteOf(h, ended);
  noteOf(h, 0);
  fs.writeFileSync(path.join(waitingNotesDir(h), 'junk'), '');
  assert.equal(commandWaiting(h), false);
  assert.ok(!fs.existsSync(f));
  assert.deepEqual(fs.readdirSync(waitingNotesDir(h)), []);
});

test("a look that found nobody is remembered by the directory's change time: the next looks stat it instead of listing it, until it changes", (t) => {
  const h = home();
  fs.mkdirSync(waitingNotesDir(h), { recursive: true });
  let listings = 0;
  const readdir = fs.readdirSync;
  t.mock.method(fs, 'readdirSync', (...args: Parameters<typeof fs.readdirSync>) => {
    if (args[0] === waitingNotesDir(h)) listings++;
    return readdir(...args);
  });
  // The directory's change time as the test's clock has it: the kernel's may be a tick coarse,
  // and the test's clock runs ahead of it.
  const now = Date.now();
  let dirChanged = now;
  const stat = fs.statSync;
  t.mock.method(fs, 'statSync', (...args: Parameters<typeof fs.statSync>) => {
    const st = stat(...args);
    return args[0] === waitingNotesDir(h) && st ? Object.assign(st, { ctimeMs: dirChanged }) : st;
  });
  // Right after the directory changed, a change in the same tick of the file system's clock would
  // leave its change time as it is: such a look is not remembered.
  assert.equal(commandWaiting(h, now), false);
  assert.equal(commandWaiting(h, now), false);
  assert.equal(listings, 2);
  const later = now + SETTLED_MS + 1000;
  assert.equal(commandWaiting(h, later), false);
  assert.equal(commandWaiting(h, later + 1), false);
  assert.equal(listings, 3, 'the second look took the first one\'s word');
  // Coarse file system clocks: listed again after RELIST_MS whatever the directory says.
  assert.equal(commandWaiting(h, later + RELIST_MS), false);
  assert.equal(listings, 4);
  // A note made since changes the directory: listed, and seen.
  noteOf(h, process.ppid);
  dirChanged = later + RELIST_MS;
  assert.equal(commandWaiting(h, later + RELIST_MS + 1), true);
  assert.equal(listings, 5);
  assert.equal(commandWaiting(h, later + RELIST_MS + 2), true, 'a look that found a writer is not remembered');
  assert.equal(listings, 6);
});

test('a write that finds the lock taken leaves a note while it waits, and takes it away once written', async () => {
  const h = home();
  const store = Store.open(h);
  try {
    store.setMeta('x', '0'); // the file exists, with its schema
    assert.ok(!fs.existsSync(waitingNotesDir(h)), 'the lock was free: no note');
    // Another process holds the write lock, as the engine's syncs do, until it sees a note (3 s at most).
    const dir = path.dirname(fileURLToPath(import.meta.url));
    const script = path.join(h, 'holder.ts');
    fs.writeFileSync(
      script,
      `import { Store } from ${JSON.stringify(pathToFileURL(path.join(dir, 'store.ts')).href)};
import { commandWaiting } from ${JSON.stringify(pathToFileURL(path.join(dir, 'waiting_notes.ts')).href)};
const s = Store.open(process.argv[2], { engine: true });
const nap = new Int32Array(new SharedArrayBuffer(4));
s.transaction(() => {
  s.setMeta('holder', 'in');
  process.stdout.write('locked\\n');
  let saw = false;
  for (let i = 0; i < 600 && !saw; i++) { Atomics.wait(nap, 0, 0, 5); saw = commandWaiting(process.argv[2]); }
  process.stdout.write(saw ? 'saw a note\\n' : 'no note\\n');
});
s.close();
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script, h], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('locked')) resolve();
      });
      child.on('exit', () => reject(new Error(`the holder ended first: ${err}`)));
    });
    // Blocks until the holder commits: it does once it sees this write's note.
    store.setMeta('x', '1');
    assert.equal(await exited, 0, err);
    assert.match(out, /saw a note/);
    assert.equal(store.getMeta('x'), '1');
    assert.equal(store.getMeta('holder'), 'in');
    assert.deepEqual(fs.readdirSync(waitingNotesDir(h)), [], 'the note is gone once written');
  } finally {
    store.close();
  }
});
