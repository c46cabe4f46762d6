// The scenario the issue-12 goldens were captured on (test/golden/issue12/capture.ts) and the
// e2e tests replay (kubectl-read.test.ts): a finished Job, a CronJob with a Job made from it, and
// a Service with the running pod it selects.
import fs from 'node:fs';
import path from 'node:path';
import { Sandbox, normalise, GOLDEN } from './helpers.js';

export const ISSUE12 = path.join(GOLDEN, 'issue12');

export interface Command {
  name: string;
  args: string[];
}

export function commands(): Command[] {
  const j = JSON.parse(fs.readFileSync(path.join(ISSUE12, 'commands.json'), 'utf8')) as { commands: string[][] };
  return j.commands.map(([name, ...args]) => ({ name, args }));
}

/** Set the scenario up in the sandbox; throws when a step fails. */
export async function setUpScenario(sb: Sandbox): Promise<void> {
  const step = (args: string[]) => {
    const r = sb.kjob(args);
    if (r.code !== 0) throw new Error(`kjob ${args.join(' ')}: exit ${r.code}\n${r.stdout}${r.stderr}`);
  };
  step(['apply', '-f', 'fixtures/job-echo.yaml']);
  step(['apply', '-f', 'test/golden/issue12/web.yaml']);
  step(['create', 'cronjob', 'hello', '--image=busybox', '--schedule=0 0 1 1 *', '--', 'echo', 'hello']);
  step(['create', 'job', 'hello-manual', '--from=cronjob/hello']);
  step(['wait', '--for=condition=complete', 'job/echo', 'job/hello-manual', '--timeout=120s']);
  step(['wait', '--for=condition=ready', 'pod/web-1', '--timeout=120s']);
  // The Service's endpoint (describe service shows it) once the EndpointSlice controller has seen
  // web-1 ready, a sync after the pod's: a command moments after the wait can come first.
  const endpoint = () => sb.kjob(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'jsonpath={.items[*].endpoints[*].addresses[0]}']).stdout.trim();
  await sb.until("the Service web's endpoint", () => endpoint() !== '', 60_000, 50);
}

/** normalise(), and what else moves between runs here: event names, IPs, resourceVersions. */
export function normaliseRead(s: string): string {
  return normalise(s)
    .replace(/\.[0-9a-f]{16}\b/g, '.<hex>')
    .replace(/^([EFW])\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ /gm, '$1<klog header> ')
    .replace(/\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/g, '<ip>')
    .replace(/(resourceVersion"?:\s*"?|Resource Version:\s+)\d+/g, "$1<rv>");
}

/** The golden's text: stdout, then stderr, then the exit code. */
export function render(r: { stdout: string; stderr: string; code: number }): string {
  return `${normaliseRead(r.stdout)}--- stderr\n${normaliseRead(r.stderr)}--- exit ${r.code}\n`;
}
