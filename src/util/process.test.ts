import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pidRecordedIn, pidStartedBy, processStartMs, processStartTicks } from './process.js';
import { tempDir } from './testing.js';

const tmp = () => tempDir('process');

test('a process started before its pid was written down is still the one written', () => {
  const started = processStartMs(process.pid)!;
  assert.ok(Math.abs(started - (Date.now() - process.uptime() * 1000)) < 3000, `start ${started}`);
  assert.equal(pidStartedBy(process.pid, Date.now()), true);
});

test('a pid written down before its process started names another, earlier process', () => {
  // As when a pid_max of 32768 has wrapped: the number is this process's, the record is older.
  assert.equal(pidStartedBy(process.pid, processStartMs(process.pid)! - 60_000), false);
  const dir = tmp();
  const file = path.join(dir, 'pid');
  fs.writeFileSync(file, `${process.pid}\n`);
  assert.equal(pidRecordedIn(file), process.pid);
  const before = new Date(processStartMs(process.pid)! - 60_000);
  fs.utimesSync(file, before, before);
  assert.equal(pidRecordedIn(file), undefined);
  fs.rmSync(dir, { recursive: true });
});

test('no process, no record: undefined, never a throw', () => {
  assert.equal(processStartTicks(0), undefined);
  assert.equal(processStartTicks(2 ** 22 + 1), undefined); // above any pid_max
  assert.equal(pidRecordedIn('/nonexistent/pid'), undefined);
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'pid'), 'garbage\n');
  assert.equal(pidRecordedIn(path.join(dir, 'pid')), undefined);
  fs.rmSync(dir, { recursive: true });
});
