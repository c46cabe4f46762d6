// `kjob version`: kjob's own version and the Kubernetes version whose behaviour and output it
// follows, in the shape of `kubectl version --client` (text, or -o json|yaml).
import { platform as osPlatform } from 'node:os';
import { stringify } from 'yaml';
import { UserError } from '../errors.js';
import type { IO } from './io.js';

export { KUBERNETES_VERSION, kjobVersion } from '../util/version.js';
import { KUBERNETES_VERSION, kjobVersion } from '../util/version.js';

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

/** server: the /version of the cluster kjob talks to in cluster mode (kubectl's Server Version). */
export function version(opts: { output?: string }, io: IO, server?: Record<string, string>): number {
  const platform = `${osPlatform()}/${process.arch === 'x64' ? 'amd64' : process.arch}`;
  const doc = {
    clientVersion: info(kjobVersion(), { platform, nodeVersion: process.version }),
    kubernetesVersion: info(KUBERNETES_VERSION),
    ...(server ? { serverVersion: server } : {}),
  };
  switch (opts.output) {
    case undefined:
    case '':
      io.out(`Client Version: ${doc.clientVersion.gitVersion}\nKubernetes Version: ${doc.kubernetesVersion.gitVersion}\n${server ? `Server Version: ${server.gitVersion}\n` : ''}`);
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
