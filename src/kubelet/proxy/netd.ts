// netd: the service proxy and the cluster DNS of one state directory, run by the engine inside
// its node network namespace (network.ts), where every address of the service range is local.
//   node netd.js <table.json>
// It serves what the engine last wrote to table.json (table.ts): A records on DNS_IP:53 (UDP),
// and a userspace proxy per ClusterIP port (TCP) to one of its ready backends, picked at random
// per connection, as kube-proxy's userspace mode did. It exits with the engine (its parent).
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { answer, parseQuery } from './dns.js';
import { DNS_IP } from '../addresses.js';
import type { ServicePort, Table } from './table.js';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: netd <table.json>\n');
  process.exit(2);
}
const log = (m: string) => process.stderr.write(`${new Date().toISOString()} netd: ${m}\n`);

let records = new Map<string, string[]>();
const proxies = new Map<string, { server: net.Server; sp: ServicePort }>();
/** Which table was last read: the engine replaces the file (rename), never rewrites it. */
let loadedVersion = '';
const versionOf = (st: fs.BigIntStats) => `${st.ino} ${st.mtimeNs} ${st.size}`;

/** The table as it is now, and its version: both of the one file the name led to. */
function readTable(): Table {
  const fd = fs.openSync(file, 'r');
  try {
    loadedVersion = versionOf(fs.fstatSync(fd, { bigint: true }));
    return JSON.parse(fs.readFileSync(fd, 'utf8'));
  } finally {
    fs.closeSync(fd);
  }
}

function load(): void {
  let dnsRecords: Map<string, string[]>;
  let want: Map<string, ServicePort>;
  try {
    const t = readTable();
    dnsRecords = new Map(Object.entries(t.dns));
    want = new Map(t.services.filter((s) => s.protocol === 'TCP').map((s) => [`${s.ip}:${s.port}`, s]));
  } catch (e) {
    // Not written yet; or not a table (only a bug of the engine's would write one): netd keeps
    // serving what it had rather than end in the middle of a lookup.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log(`cannot read ${file}: ${(e as Error).message}`);
    return;
  }
  records = dnsRecords;
  for (const [k, p] of proxies) {
    if (!want.has(k)) {
      p.server.close();
      proxies.delete(k);
    }
  }
  for (const [k, sp] of want) {
    const cur = proxies.get(k);
    if (cur) {
      cur.sp = sp;
      continue;
    }
    const entry = { server: net.createServer((c) => forward(c, entry.sp)), sp };
    entry.server.on('error', (e) => log(`cannot serve ${k} (${sp.service}): ${e.message}`));
    entry.server.listen(sp.port, sp.ip);
    proxies.set(k, entry);
  }
}

function forward(client: net.Socket, sp: ServicePort): void {
  const b = sp.backends[Math.floor(Math.random() * sp.backends.length)];
  if (!b) {
    // No ready endpoint: the connection is refused, as kube-proxy's REJECT rule does.
    client.resetAndDestroy();
    return;
  }
  const up = net.connect(b.port, b.ip);
  client.pipe(up).pipe(client);
  const close = () => {
    client.destroy();
    up.destroy();
  };
  up.on('error', close);
  client.on('error', close);
}

const dns = dgram.createSocket('udp4');
dns.on('message', (msg, rinfo) => {
  const q = parseQuery(msg);
  if (!q) return;
  // A query is answered from the table the engine wrote last, not the one the watch last told of:
  // netd can read a pod's lookup before the watch's event of a table written before that read.
  if (tableReplaced()) load();
  dns.send(answer(q, records), rinfo.port, rinfo.address);
});
// "ready" on stdout once the cluster DNS answers (the kubelet holds an engine's first pods until
// then: PodNetwork.whenDnsServing), or once it cannot: pods then go on without it, as they would
// without a pod network.
let told = false;
const ready = () => {
  if (!told) process.stdout.write('ready\n');
  told = true;
};
dns.on('error', (e) => {
  log(`DNS on ${DNS_IP}:53: ${e.message}`);
  ready();
});
// The socket its launcher (manager.ts) bound before node started, or one of its own.
const dnsFd = Number(process.env.KJOB_NETD_DNS_FD);
delete process.env.KJOB_NETD_DNS_FD;
if (dnsFd > 0) dns.bind({ fd: dnsFd }, ready);
else dns.bind(53, DNS_IP, ready);

function tableReplaced(): boolean {
  try {
    return versionOf(fs.statSync(file, { bigint: true })) !== loadedVersion;
  } catch {
    return false;
  }
}

load();
// The watch brings the services' proxies up to date without a lookup; DNS answers look for
// themselves. One that cannot be made (inotify's limits) leaves the periodic look below.
try {
  fs.watch(path.dirname(file), (_ev, name) => {
    if ((!name || name === path.basename(file)) && tableReplaced()) load();
  }).on('error', (e) => log(`watching ${path.dirname(file)}: ${e.message}`));
} catch (e) {
  log(`cannot watch ${path.dirname(file)}: ${(e as Error).message}`);
}
// With the engine: the parent is gone when this process is re-parented.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref();
// and a periodic look, should a watch event be missed
setInterval(() => {
  if (tableReplaced()) load();
}, 5000);
