// The pod sandbox: bubblewrap where installed, else a plain process (with what that cannot do).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KObject } from '../api/types.js';

export const BWRAP = '/usr/bin/bwrap';
export const SA_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const NEEDS_BWRAP = 'kjob: volume mounts need bubblewrap (apt-get install bubblewrap)';

export function bwrapAvailable(mode: 'auto' | 'bwrap' | 'none' | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (mode === 'none' || env.KJOB_SANDBOX === 'none') return false;
  if (mode === 'bwrap') return true;
  try {
    fs.accessSync(BWRAP, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface Mount { source: string; target: string; readOnly: boolean }

/** The container's volume mounts as host bind mounts. The kube-api-access projected volume is
 * skipped: there is no API server, so there is no token or CA to project. */
export function containerMounts(pod: KObject, container: any, podDir: string): { mounts: Mount[]; error?: string } {
  const volumes = new Map<string, any>(((pod.spec?.volumes ?? []) as any[]).map((v) => [v.name, v]));
  const mounts: Mount[] = [];
  for (const vm of (container.volumeMounts ?? []) as any[]) {
    const v = volumes.get(vm.name);
    if (!v) return { mounts, error: `kjob: volume "${vm.name}" is not defined in the pod` };
    if (v.projected && (vm.mountPath === SA_MOUNT_PATH || String(v.name).startsWith('kube-api-access-'))) continue;
    let source: string;
    // configMap, secret, downwardAPI and projected volumes: files the kubelet wrote (volumes.ts),
    // always mounted read-only.
    const apiObject = !!(v.configMap || v.secret || v.downwardAPI || v.projected);
    if (v.emptyDir || apiObject) source = path.join(podDir, 'volumes', v.name);
    else if (v.hostPath) source = v.hostPath.path;
    else return { mounts, error: `kjob: volume "${v.name}": only emptyDir, hostPath, configMap, secret, downwardAPI and projected volumes are supported` };
    if (vm.subPath) source = path.join(source, vm.subPath);
    mounts.push({ source, target: vm.mountPath, readOnly: vm.readOnly === true || apiObject });
  }
  return { mounts };
}

/** Host path of a path inside the container (undefined: hidden, e.g. under the private /tmp). */
export function translatePath(p: string, mounts: Mount[], sandboxed: boolean): string | undefined {
  if (!sandboxed) return p;
  let best: Mount | undefined;
  for (const m of mounts) {
    const t = m.target.replace(/\/+$/, '') || '/';
    if (p === t || p.startsWith(t + '/')) if (!best || t.length > best.target.length) best = m;
  }
  if (best) return path.join(best.source, p.slice(best.target.replace(/\/+$/, '').length));
  if (p === '/tmp' || p.startsWith('/tmp/')) return undefined;
  return p;
}

export interface BwrapSpec {
  hostname: string;
  hostsFile: string;
  hostnameFile: string;
  mounts: Mount[];
  workingDir: string;
  /** Create the working directory in the sandbox (runc creates a missing cwd). */
  makeWorkingDir?: boolean;
  env: Map<string, string>;
  argv: string[];
}

const SPECIAL_ROOT_ENTRIES = new Set(['dev', 'proc', 'tmp']);
let rootBindsCache: string[] | undefined;

/**
 * The host's top-level directories bound read-only into the sandbox's own (tmpfs) root, one by
 * one rather than `--ro-bind / /`: that way a volume can be mounted at a path the host does not
 * have (an emptyDir at /input), because bwrap can create the mount point in the tmpfs root.
 */
export function rootBinds(): string[] {
  if (rootBindsCache) return rootBindsCache;
  const a: string[] = [];
  for (const e of fs.readdirSync('/', { withFileTypes: true })) {
    if (SPECIAL_ROOT_ENTRIES.has(e.name)) continue;
    const p = `/${e.name}`;
    if (e.isSymbolicLink()) a.push('--symlink', fs.readlinkSync(p), p);
    else if (e.isDirectory() || e.isFile()) a.push('--ro-bind', p, p);
  }
  return (rootBindsCache = a);
}

/**
 * rootBinds, but with the host directories above a mount point the host does not have (an
 * emptyDir or configMap volume at /etc/config) rebuilt as sandbox directories whose entries are
 * bound one by one: bwrap cannot create a mount point inside a read-only bind of /etc.
 */
export function rootBindsFor(targets: string[]): string[] {
  const explode = new Set<string>();
  for (const t of targets) {
    const parts = t.split('/').filter((x) => x && x !== '.');
    if (parts.length < 2 || SPECIAL_ROOT_ENTRIES.has(parts[0])) continue;
    let anc = '';
    let i = 0;
    for (; i < parts.length; i++) {
      const st = fs.lstatSync(`${anc}/${parts[i]}`, { throwIfNoEntry: false });
      if (!st || !st.isDirectory()) break;
      anc += `/${parts[i]}`;
    }
    // Nothing to do: the target exists, its top-level directory does not (the tmpfs root takes
    // the mount point), or a symlink or file is in the way.
    if (i === parts.length || i === 0 || fs.existsSync(`${anc}/${parts[i]}`)) continue;
    for (let j = 1, p = ''; j <= i; j++) explode.add((p += `/${parts[j - 1]}`));
  }
  if (explode.size === 0) return rootBinds();
  const binds = (dir: string): string[] => {
    const a: string[] = ['--dir', dir];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = `${dir}/${e.name}`;
      if (explode.has(p)) a.push(...binds(p));
      else if (e.isSymbolicLink()) a.push('--symlink', fs.readlinkSync(p), p);
      else a.push('--ro-bind', p, p);
    }
    return a;
  };
  const out: string[] = [];
  const root = rootBinds();
  for (let i = 0; i < root.length; i += 3) {
    if (root[i] === '--ro-bind' && explode.has(root[i + 2])) out.push(...binds(root[i + 2]));
    else out.push(root[i], root[i + 1], root[i + 2]);
  }
  return out;
}

/** bwrap argv: read-only host directories, private /tmp, own UTS namespace, host network. */
export function bwrapArgv(s: BwrapSpec): string[] {
  const a = [BWRAP, ...rootBindsFor(s.mounts.map((m) => m.target)), '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp',
    '--unshare-uts', '--hostname', s.hostname, '--die-with-parent',
    '--ro-bind', s.hostsFile, '/etc/hosts', '--ro-bind', s.hostnameFile, '/etc/hostname'];
  for (const m of s.mounts) a.push(m.readOnly ? '--ro-bind' : '--bind', m.source, m.target);
  if (s.makeWorkingDir) a.push('--dir', s.workingDir);
  a.push('--chdir', s.workingDir || '/', '--clearenv');
  for (const [k, v] of s.env) a.push('--setenv', k, v);
  a.push('--', ...s.argv);
  return a;
}

/** kubelet's managed /etc/hosts (plus, kjob only, the peers of an Indexed Job with a subdomain:
 * with the host network every pod has the node's IP, so `<job>-<i>.<subdomain>` resolves here
 * instead of through cluster DNS). */
export function hostsFileContent(pod: KObject, hostname: string, podIP: string, peers: string[] = []): string {
  let s = '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';
  const sub = pod.spec?.subdomain;
  const ns = pod.metadata.namespace ?? 'default';
  const line = (h: string) => (sub ? `${podIP}\t${h}.${sub}.${ns}.svc.cluster.local\t${h}.${sub}.${ns}.svc\t${h}.${sub}.${ns}\t${h}.${sub}\t${h}\n` : `${podIP}\t${h}\n`);
  s += line(hostname);
  const others = peers.filter((p) => p !== hostname);
  if (others.length) {
    s += '# kjob: peer pods (host network: every pod has the node IP)\n';
    for (const p of others) s += line(p);
  }
  return s;
}

/**
 * How a missing working directory is made, as runc creates the container's cwd: inside a pod
 * volume or the private /tmp it is created; under a top-level directory the host does not have,
 * bwrap creates it in its tmpfs root; anywhere else (a read-only host directory) it cannot be.
 */
export function workingDirPlan(wd: string, mounts: Mount[], sandboxed: boolean, podDir: string): 'exists' | 'mkdir-host' | 'mkdir-sandbox' | 'impossible' {
  const host = translatePath(wd, mounts, sandboxed);
  if (host === undefined) return sandboxed ? 'mkdir-sandbox' : 'impossible'; // under the private /tmp
  if (fs.existsSync(host)) return 'exists';
  if (!sandboxed) return 'impossible';
  if (host.startsWith(podDir + '/')) return 'mkdir-host';
  const top = '/' + wd.split('/').filter(Boolean)[0];
  if (!fs.existsSync(top)) return 'mkdir-sandbox';
  return 'impossible';
}
