// -f URL: cli-runtime's URLVisitor. Each http(s) manifest is fetched (http.Get, redirects
// followed) before the files are read; a 5xx or a failed connection is tried again after a second,
// three times in all, as readHttpWithRetries does, and the errors are worded as Go words them.
import { httpLibs } from '../util/http_libs.js';
import { loadManifests, type LoadResult } from '../api/manifests.js';

const ATTEMPTS = 3;

export function isURL(p: string): boolean {
  return p.startsWith('http://') || p.startsWith('https://');
}

/** Go's http.Get: redirects followed (at most 10), the body read when the status is 200. */
function httpGet(u: string, redirects = 0): Promise<{ status: number; statusText: string; text: string }> {
  const lib = u.startsWith('https:') ? httpLibs().https : httpLibs().http;
  return new Promise((resolve, reject) => {
    const req = lib.get(u, (res) => {
      const code = res.statusCode ?? 0;
      if ([301, 302, 303, 307, 308].includes(code) && res.headers.location && redirects < 10) {
        res.resume();
        httpGet(new URL(res.headers.location, u).href, redirects + 1).then(resolve, reject);
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: code, statusText: res.statusMessage ?? '', text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function getOnce(u: string): Promise<{ text?: string; error: Error; retry: boolean }> {
  try {
    const res = await httpGet(u);
    if (res.status === 200) return { text: res.text, error: new Error(''), retry: false };
    const status = `${res.status} ${res.statusText}`.trimEnd();
    return { error: new Error(`error: unable to read URL ${JSON.stringify(u)}, server reported ${status}, status code=${res.status}`), retry: res.status >= 500 && res.status < 600 };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const url = new URL(u);
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    // kubectl's CheckErr words any refused connection as its server's
    if (err.code === 'ECONNREFUSED') return { error: new Error(`The connection to the server ${url.hostname}:${port} was refused - did you specify the right host or port?`), retry: true };
    const why = err.code === 'ENOTFOUND' ? `dial tcp: lookup ${url.hostname}: no such host` : err.message;
    return { error: new Error(`error: Get ${JSON.stringify(u)}: ${why}`), retry: true };
  }
}

export async function fetchURL(u: string, sleepMs = 1000): Promise<string | Error> {
  let last: Error = new Error('');
  for (let i = 0; i < ATTEMPTS; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, sleepMs));
    const r = await getOnce(u);
    if (r.text !== undefined) return r.text;
    last = r.error;
    if (!r.retry) break;
  }
  return last;
}

/** loadManifests, with the URLs among the paths fetched first. */
export async function loadManifestsWithURLs(paths: string[], opts: { readStdin?: () => string; recursive?: boolean } = {}): Promise<LoadResult> {
  const urls = new Map<string, string | Error>();
  for (const p of paths) if (isURL(p) && !urls.has(p)) urls.set(p, await fetchURL(p));
  return loadManifests(paths, { ...opts, urls });
}
