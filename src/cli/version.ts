// `kjob version`: kjob's own version and the Kubernetes version whose behaviour and output it
// follows, in the shape of `kubectl version --client` (text, or -o json|yaml).
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { UserError } from '../errors.js';
import type { IO } from './io.js';

/** The Kubernetes release kjob's controllers, validation and printers follow (the kubectl its goldens come from). */
export const KUBERNETES_VERSION = 'v1.32.4';

export function kjobVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string };
  return pkg.version;
}

interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  platform?: string;
  nodeVersion?: string;
}

function info(semver: string, extra: Partial<VersionInfo> = {}): VersionInfo {
  const [major, minor] = semver.replace(/^v/, '').split('.');
  return { major, minor, gitVersion: semver.startsWith('v') ? semver : `v${semver}`, ...extra };
}

export function version(opts: { output?: string }, io: IO): number {
  const platform = `${os.platform()}/${process.arch === 'x64' ? 'amd64' : process.arch}`;
  const doc = {
    clientVersion: info(kjobVersion(), { platform, nodeVersion: process.version }),
    kubernetesVersion: info(KUBERNETES_VERSION),
  };
  switch (opts.output) {
    case undefined:
    case '':
      io.out(`Client Version: ${doc.clientVersion.gitVersion}\nKubernetes Version: ${doc.kubernetesVersion.gitVersion}\n`);
      return 0;
    case 'json':
      io.out(JSON.stringify(doc, null, 2) + '\n');
      return 0;
    case 'yaml':
      // kubectl marshals through JSON, so keys come out sorted.
      io.out(stringify(doc, { sortMapEntries: true }));
      return 0;
    default:
      throw new UserError(`error: --output must be 'yaml' or 'json'`);
  }
}
