// The kubelet's side of port-forward (the CRI streaming server's PortForward): a connection to
// localhost:port inside the pod's network namespace, as containerd does with `nsenter -t <pid>
// -n socat - TCP4:localhost:<port>`; here the relay is this machine's node. On the shared host
// network (no namespace of its own) it is a plain connection to 127.0.0.1.
import * as fs from 'node:fs';
import * as net from 'node:net';
import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';
import { NSENTER, PodNetwork } from './network.js';

/** Relays stdin and stdout to localhost:port, IPv4 first, then IPv6 (as the CRI does). */
const RELAY = `const net=require('net');const port=+process.argv[1];let err='';
function go(host,next){const s=net.connect(port,host);s.once('connect',()=>{process.stdin.pipe(s);s.pipe(process.stdout);s.on('error',()=>process.exit(0));s.on('close',()=>process.exit(0));});
s.once('error',(e)=>{err+=(err?' ':'')+(host==='127.0.0.1'?'IPv4: ':'IPv6 ')+'dial '+(host==='127.0.0.1'?'tcp4 127.0.0.1':'tcp6 [::1]')+':'+port+': connect: '+(e.code==='ECONNREFUSED'?'connection refused':e.message);if(next)next();else{process.stderr.write(err);process.exit(1);}});}
go('127.0.0.1',()=>go('::1'));`;

/** A stream to localhost:port in the pod; errors ('error' events) say why it could not connect. */
export function dialPod(home: string, uid: string, port: number): Duplex {
  const network = new PodNetwork(home);
  const ns = network.podNsPath(uid);
  if (!network.podIP(uid) || !fs.existsSync(ns)) return net.connect(port, '127.0.0.1'); // the host network
  const child = spawn(NSENTER, [`--net=${ns}`, '--', process.execPath, '-e', RELAY, String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const d = Duplex.from({ writable: child.stdin!, readable: child.stdout! });
  child.on('exit', (code) => {
    if (code) d.destroy(new Error(`failed to connect to localhost:${port} inside namespace of pod ${uid}, ${stderr.trim()}`));
  });
  d.on('close', () => child.kill());
  return d;
}
