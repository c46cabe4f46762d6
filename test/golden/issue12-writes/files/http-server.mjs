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
// Written whole (a temporary file renamed): the test reads it as soon as it exists, and an empty
// port made the first URLs go to port 80.
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(`${process.argv[2]}.tmp`, String(server.address().port));
  fs.renameSync(`${process.argv[2]}.tmp`, process.argv[2]);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
