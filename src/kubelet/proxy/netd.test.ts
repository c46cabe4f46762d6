import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPerl } from '../helper_process.js';
import { tempDir, until, within } from '../../util/testing.js';
import { writeAtomic } from '../runtime.js';
import { buildQuery, parseResponse, RCODE_NOERROR, RCODE_NXDOMAIN } from './dns.js';
import type { Table } from './table.js';

const NETD = fileURLToPath(new URL('./netd.ts', import.meta.url));
const perl = findPerl();

// netd on a socket of the test's (127.0.0.1, any port) handed to it as its launcher hands the
// cluster DNS's: bound by perl, fd 3, KJOB_NETD_DNS_FD. perl says the port on stdout first.
const LAUNCHER = String.raw`use Socket; $^F = 3; socket(my $s, PF_INET, SOCK_DGRAM, 0) or die; bind($s, pack_sockaddr_in(0, inet_aton('127.0.0.1'))) or die;
my ($port) = unpack_sockaddr_in(getsockname($s)); require POSIX; POSIX::dup2(fileno($s), 3) if fileno($s) != 3;
$| = 1; print "port $port\n"; $ENV{KJOB_NETD_DNS_FD} = 3; exec { $ARGV[0] } @ARGV; die "exec: $!";`;

test("a lookup is answered from the table written last, even when netd reads it before the watch's event", { skip: !perl && 'no perl' }, async () => {
  const dir = tempDir('netd');
  const file = path.join(dir, 'table.json');
  const netd = spawn(perl!, ['-e', LAUNCHER, process.execPath, '--import', 'tsx', NETD, file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  netd.stdout.on('data', (d) => (out += d));
  netd.stderr.on('data', (d) => (err += d));
  /** The first match of re in what netd (and perl before it) said on stdout. */
  const says = async (what: string, re: RegExp) => {
    const exited = () => netd.exitCode !== null || netd.signalCode !== null;
    await until(what, () => re.test(out) || exited(), 10_000).catch((e: Error) => {
      throw new Error(`${e.message} (netd's stderr: ${err})`);
    });
    const m = out.match(re);
    if (!m) throw new Error(`netd exited before ${what}: ${err}`);
    return m;
  };
  const client = dgram.createSocket('udp4');
  try {
    const port = Number((await says('port', /^port (\d+)$/m))[1]);
    await says('ready', /^ready$/m);
    let id = 0;
    const lookup = async () => {
      const answered = new Promise<Buffer>((r) => client.once('message', r));
      client.send(buildQuery(++id, 'queue.default.svc.cluster.local'), port, '127.0.0.1');
      return parseResponse(await within('answer', answered));
    };
    assert.equal((await lookup()).rcode, RCODE_NXDOMAIN, 'no table yet');

    // netd stopped: the lookup waits in its socket, then the engine replaces the table. Resumed,
    // netd has both to read, the lookup queued first; it may well read the lookup first.
    netd.kill('SIGSTOP');
    const answered = new Promise<Buffer>((r) => client.once('message', r));
    await within('send', new Promise((r) => client.send(buildQuery(++id, 'queue.default.svc.cluster.local'), port, '127.0.0.1', r)));
    const table: Table = { dns: { 'queue.default.svc.cluster.local': ['10.96.0.20'] }, services: [] };
    writeAtomic(file, JSON.stringify(table)); // as the engine's ServiceProxy replaces it
    netd.kill('SIGCONT');
    assert.deepEqual(parseResponse(await within('answer', answered)), { id, rcode: RCODE_NOERROR, addresses: ['10.96.0.20'] });
  } finally {
    client.close();
    const exited = new Promise((r) => netd.once('exit', r));
    if (netd.exitCode === null && netd.signalCode === null && netd.kill('SIGKILL')) await exited;
  }
});
