/**
 * The umask this process set through setUmask, if it did: files and directories it then creates
 * with a mode whose bits the umask keeps need no chmod (two system calls per file, on every
 * container start). undefined: not known, so every mode is set explicitly.
 */
let known: number | undefined;

export function setUmask(mask: number): void {
  process.umask(mask);
  known = mask;
}

/** Whether a file created now with mode gets every bit of it: false when the umask is not known. */
export function umaskKeeps(mode: number): boolean {
  return known !== undefined && (mode & known) === 0;
}
