// Executable lookup before start, as runc does inside the container root (exec.LookPath).
import * as fs from 'node:fs';
import * as path from 'node:path';

export type LookupResult = { ok: true; path: string } | { ok: false; message: string };

const OCI = 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: ';

/** Whether file is a regular file this process may execute. */
export function isExecutableFile(file: string): boolean {
  try {
    // A missing file is the common case (each $PATH entry before the one that has it), and is told
    // without an error thrown: an error's stack cost more than the stat.
    return fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true && (fs.accessSync(file, fs.constants.X_OK), true);
  } catch {
    return false;
  }
}

/** translate maps a path inside the container to the host path (volume mounts, private /tmp). */
export function lookupExecutable(cmd: string, envPath: string, workingDir: string, translate: (p: string) => string | undefined = (p) => p): LookupResult {
  const isExec = (p: string): boolean => {
    const host = translate(p);
    return host !== undefined && isExecutableFile(host);
  };
  if (cmd.includes('/')) {
    const abs = path.posix.resolve(workingDir || '/', cmd);
    if (isExec(abs)) return { ok: true, path: abs };
    let exists = false;
    const host = translate(abs);
    if (host !== undefined) try { fs.statSync(host); exists = true; } catch { /* missing */ }
    return { ok: false, message: exists ? `${OCI}"${cmd}": permission denied: unknown` : `${OCI}"${cmd}": stat ${cmd}: no such file or directory: unknown` };
  }
  if (cmd !== '') {
    for (const dir of envPath.split(':')) {
      const d = dir === '' ? '.' : dir;
      const p = path.posix.resolve(workingDir || '/', d, cmd);
      if (isExec(p)) return { ok: true, path: p };
    }
  }
  return { ok: false, message: `${OCI}"${cmd}": executable file not found in $PATH: unknown` };
}
