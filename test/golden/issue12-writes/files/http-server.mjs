// A static file server for the -f URL tests: serves this directory; /status/NNN answers NNN.
// Writes the port it listens on to the file named by argv[2], and stops when its parent does.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const server = http.createServer((req, res) => {
  const m = /^\/status\/(\d{3})$/.exec(req.url ?? '');
  if (m) {
    res.writeHead(Number(m[1]));
    res.end('status\n');
    return;
  }
  const file = path.join(dir, path.normalize(decodeURIComponent(req.url ?? '/')));
  if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404);
    res.end('404 page not found\n');
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/yaml' });
  res.end(fs.readFileSync(file));
});
server.listen(0, '127.0.0.1', () => fs.writeFileSync(process.argv[2], String(server.address().port)));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
