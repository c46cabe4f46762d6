// Process liveness as the engine and kubelet need it: pids outlive their parents here, and in a
// container whose init does not reap, a dead process lingers as a zombie that still answers kill(0).
import fs from 'node:fs';

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  let st: string;
  try {
    st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true;
  }
  const state = st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}
