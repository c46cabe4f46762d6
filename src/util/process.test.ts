import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { localNodeEnv, pidRecordedIn, pidStartedBy, processStartMs, processStartTicks, processesOf } from './process.js';
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

test("a state directory's processes: its pods' sandboxes, not every other sandbox that covers it", async () => {
  const home = tempDir('processes-of');
  // 'spawn' is not enough: the parent learns of the exec before the kernel has set the new
  // program's argv, and /proc/<pid>/cmdline reads empty until then. The child's own first write
  // comes after.
  const idle = (...args: string[]) => {
    const c = spawn(process.execPath, ['-e', 'process.stdout.write("up"); setTimeout(() => {}, 30000)', '--', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    return Object.assign(c, { spawned: new Promise((r) => c.stdout.once('data', r)) });
  };
  // Every other state directory's sandbox names home to hide it from its pods.
  const other = idle('--ro-bind-try', path.join(home, 'run', 'empty'), home, '--tmpfs', '/tmp');
  const own = idle('--ro-bind', path.join(home, 'pods', 'u', 'hosts'), '/etc/hosts');
  try {
    await Promise.all([other.spawned, own.spawned]);
    const found = processesOf(home);
    assert.ok(found.includes(own.pid!), 'a sandbox that binds from inside home');
    assert.ok(!found.includes(other.pid!), "another state directory's sandbox, which covers home");
  } finally {
    other.kill('SIGKILL');
    own.kill('SIGKILL');
  }
});

test('localNodeEnv: the environment without NODE_EXTRA_CA_CERTS, the given one unchanged', () => {
  const env = { PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt', NODE_OPTIONS: '--no-warnings' };
  assert.deepEqual(localNodeEnv(env), { PATH: '/bin', NODE_OPTIONS: '--no-warnings' });
  assert.equal(env.NODE_EXTRA_CA_CERTS, '/etc/ssl/certs/ca-certificates.crt');
});
