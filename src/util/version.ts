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
