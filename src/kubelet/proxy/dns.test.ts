import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answer, buildQuery, parseQuery, parseResponse, RCODE_NOERROR, RCODE_NXDOMAIN, TYPE_AAAA } from './dns.js';

const records = new Map([['queue.default.svc.cluster.local', ['10.96.3.4']], ['web.default.svc.cluster.local', ['10.244.0.2', '10.244.0.3']]]);

test('a query parses to its lower-cased name, type and id', () => {
  const q = parseQuery(buildQuery(0x1234, 'Queue.Default.svc.cluster.local.'))!;
  assert.equal(q.id, 0x1234);
  assert.equal(q.name, 'queue.default.svc.cluster.local');
  assert.equal(q.type, 1);
  assert.equal(q.rd, true);
});

test('A records for a known name, one per address, in a response with the same id and question', () => {
  const r = answer(parseQuery(buildQuery(7, 'web.default.svc.cluster.local'))!, records);
  assert.deepEqual(parseResponse(r), { id: 7, rcode: RCODE_NOERROR, addresses: ['10.244.0.2', '10.244.0.3'] });
  assert.equal(r[2] & 0x80, 0x80); // QR
  assert.equal(r.readUInt16BE(4), 1); // the question is echoed
});

test('NXDOMAIN for an unknown name; no data (NOERROR, no answer) for AAAA of a known one', () => {
  assert.equal(parseResponse(answer(parseQuery(buildQuery(1, 'queue.svc.cluster.local'))!, records)).rcode, RCODE_NXDOMAIN);
  assert.equal(parseResponse(answer(parseQuery(buildQuery(1, 'example.com'))!, records)).rcode, RCODE_NXDOMAIN);
  assert.deepEqual(parseResponse(answer(parseQuery(buildQuery(2, 'queue.default.svc.cluster.local', TYPE_AAAA))!, records)), { id: 2, rcode: RCODE_NOERROR, addresses: [] });
});

test('what is not a query is not answered', () => {
  assert.equal(parseQuery(Buffer.alloc(5)), undefined);
  const resp = answer(parseQuery(buildQuery(3, 'a.b'))!, records);
  assert.equal(parseQuery(resp), undefined); // a response
  const truncated = buildQuery(4, 'queue.default.svc.cluster.local').subarray(0, 20);
  assert.equal(parseQuery(truncated), undefined);
});
