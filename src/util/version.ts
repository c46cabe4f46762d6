// kjob's version and the Kubernetes release it follows: shown by `kjob version` and served by
// `kjob serve`'s /version.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The Kubernetes release kjob's controllers, validation and printers follow (the kubectl its goldens come from). */
export const KUBERNETES_VERSION = 'v1.32.4';

export function kjobVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string };
  return pkg.version;
}

/** What /version says: the Kubernetes release kjob follows, with kjob's own version as build metadata. */
export function versionInfo(): Record<string, string> {
  const [major, minor] = KUBERNETES_VERSION.slice(1).split('.');
  return {
    major,
    minor,
    // Semver build metadata: clients see v1.32.4, and a person reading it sees it is kjob.
    gitVersion: `${KUBERNETES_VERSION}+kjob.${kjobVersion()}`,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '',
    goVersion: `node${process.versions.node}`,
    compiler: 'kjob',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
