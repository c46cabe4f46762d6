// Numbers of the Linux ABI that perl's syscall() and node's fs.openSync need and neither names:
// system calls by architecture, O_PATH, and the capabilities of a container's set.

import type { DefaultCapability } from './sandbox.js';

/** System call numbers by architecture (node's process.arch); other architectures have none here. */
export interface Syscalls {
  setsid: number;
  clockGettime: number;
  setns: number;
  exitGroup: number;
  capset: number;
  prctl: number;
}

const SYSCALLS: Record<string, Syscalls> = {
  x64: { setsid: 112, clockGettime: 228, setns: 308, exitGroup: 231, capset: 126, prctl: 157 },
  arm64: { setsid: 157, clockGettime: 113, setns: 268, exitGroup: 94, capset: 91, prctl: 167 }, // asm-generic numbering
  riscv64: { setsid: 157, clockGettime: 113, setns: 268, exitGroup: 94, capset: 91, prctl: 167 },
};

export function syscallsFor(arch: string = process.arch): Syscalls | undefined {
  return SYSCALLS[arch];
}

/** O_PATH (asm-generic and x86): a descriptor that names a file without opening it for I/O. */
export const O_PATH = 0o10000000;

/**
 * linux/capability.h's numbers of the capabilities kjob gives a container (sandbox.ts
 * DEFAULT_CAPABILITIES): one for each, or it does not compile (a missing one was 1 << undefined,
 * CAP_CHOWN's bit).
 */
export const CAPABILITY_NUMBERS: Record<DefaultCapability, number> = {
  CAP_CHOWN: 0, CAP_DAC_OVERRIDE: 1, CAP_FOWNER: 3, CAP_FSETID: 4, CAP_KILL: 5, CAP_SETGID: 6, CAP_SETUID: 7, CAP_SETPCAP: 8,
  CAP_NET_BIND_SERVICE: 10, CAP_NET_RAW: 13, CAP_SYS_CHROOT: 18, CAP_MKNOD: 27, CAP_AUDIT_WRITE: 29, CAP_SETFCAP: 31,
};
