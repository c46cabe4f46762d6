// The kubelet's image manager (pkg/kubelet/images), for an image that is an executable of this
// machine: nothing is downloaded, and the "pull" of imagePullPolicy Always is the reading of the
// file the container runs.
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import { O_PATH } from './linux_abi.js';

export class ExecutablePuller {
  /** The files pulled, by path: the identity (device, inode, size, mtime) each was read at. */
  private readonly pulled = new Map<string, string>();

  /** readFile reads the opened file (fd) found at file: injected by tests to count the reads. */
  constructor(private readonly readFile: (fd: number, file: string) => Buffer = (fd) => fs.readFileSync(fd)) {}

  /**
   * Pulls the executable: its size in bytes (0 when unreadable). The first pull of a file reads
   * and hashes it, as a pull downloads an image's layers and verifies their digests; a later one of
   * the same unchanged file finds it present, as a pull of an image whose layers are already in
   * the content store only resolves the image. Reading and hashing the file for every pod of a
   * big Job was a twentieth of the engine's instructions.
   */
  pull(file: string): number {
    let found: number | undefined;
    let fd: number | undefined;
    try {
      // The file may be in a pod's volume, which its running containers change: found without
      // opening it (O_PATH), and opened, that very file, only if it is a regular one. Read as it was
      // found, a FIFO swapped in after the lookup blocked the engine's only thread, and a device
      // was opened as root (a watchdog's open starts it).
      found = fs.openSync(file, O_PATH);
      const st = fs.fstatSync(found);
      if (!st.isFile()) return 0;
      const identity = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
      if (this.pulled.get(file) === identity) return st.size;
      fd = fs.openSync(`/proc/self/fd/${found}`, fs.constants.O_RDONLY);
      const data = this.readFile(fd, file);
      createHash('sha256').update(data).digest();
      this.pulled.set(file, identity);
      return data.length;
    } catch {
      return 0; // unreadable: nothing pulled
    } finally {
      for (const x of [fd, found]) if (x !== undefined) fs.closeSync(x);
    }
  }
}

/**
 * The image a created container's status names: the reference normalised as containerd's image
 * store keeps its tag (distribution's ParseNormalizedNamed, then TagNameOnly): Docker Hub's domain
 * and its "library/" for a one-part name, ":latest" when the reference has no tag ("busybox" is
 * "docker.io/library/busybox:latest"). A reference with a digest is pulled by the digest alone, and
 * containerd then names the image by its config's ID, which kjob's images (this machine's
 * executables) do not have: the spec's reference is kept.
 */
export function normalizedImageRef(image: string): string {
  if (image.includes('@')) return image;
  let name = image;
  let tag = '';
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    tag = name.slice(colon);
    name = name.slice(0, colon);
  }
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  let domain = 'docker.io';
  let path = name;
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    domain = first === 'index.docker.io' ? 'docker.io' : first;
    path = name.slice(slash + 1);
  }
  if (domain === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  return `${domain}/${path}${tag || ':latest'}`;
}
