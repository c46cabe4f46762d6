// The engine's process: `kjob --home DIR controller run`, started by spawnEngine (daemon.ts) or
// by hand. The launcher runs this module's own bundle for the form spawnEngine uses (bin/kjob,
// scripts/bundle.mjs): an engine needs about a third of the CLI's code, and a long-lived process
// holds whatever it loaded, so it loads no printer, parser of flags or table it never uses.
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from './engine.js';
import { EXIT_WHEN_IDLE_ENV, readLockPid } from './daemon.js';
import { timingFromEnv } from '../util/timing.js';
import { userErrorReport } from '../errors.js';
import { refuseUnsafeStateDir } from '../store/state_dir_safety.js';

/** Runs the engine of home until it is stopped (or, started by a command, idle); 1 if another one runs. */
export async function runEngine(home: string, err: (s: string) => void): Promise<number> {
  // Before its lock is written: the form spawnEngine starts is not a command, and no Context
  // looked at the directory (a started engine's command did).
  refuseUnsafeStateDir(home);
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  refuseUnsafeStateDir(home); // made meanwhile by another user, where the path lets one (/tmp)
  const engine = new Engine({ home, timing: timingFromEnv(), exitWhenIdle: process.env[EXIT_WHEN_IDLE_ENV] === '1' });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => engine.stop(sig));
  const ran = await engine.run();
  if (!ran) {
    err(`kjob: an engine is already running for ${home} (pid ${readLockPid(home) ?? '?'})\n`);
    return 1;
  }
  return 0;
}

/**
 * The engine bundle's entry point: bin/kjob calls it only with spawnEngine's argv, `--home DIR
 * controller run` (its isEngineArgv). A user's error (an unusable state directory or file) is its
 * message and exit 1, as the CLI reports it; anything else reaches the launcher as a bug.
 */
export async function main(argv: string[]): Promise<number> {
  const err = (s: string) => void process.stderr.write(s);
  try {
    return await runEngine(path.resolve(argv[1]), err);
  } catch (e) {
    const user = userErrorReport(e);
    if (!user) throw e;
    err(user.stderr);
    return user.exitCode;
  }
}
