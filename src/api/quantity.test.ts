import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatQuantity, parseQuantity, parseQuantityExact, podResources, quantityMilliValue, quantityValue, addQuantity } from './quantity.js';

const fmt = (s: string) => formatQuantity(parseQuantity(s)!);

test('exact values: no floating-point error, milli and integer values round up', () => {
  assert.equal(quantityMilliValue(parseQuantityExact('0.1')!), 100n);
  assert.equal(quantityMilliValue(parseQuantityExact('1.0001')!), 1001n);
  assert.equal(quantityValue(parseQuantityExact('64Mi')!), 67108864n);
  assert.equal(quantityValue(parseQuantityExact('1.5')!), 2n);
  assert.equal(quantityValue(parseQuantityExact('1e3')!), 1000n);
  assert.equal(quantityValue(parseQuantityExact(2)!), 2n);
  assert.equal(parseQuantityExact('1.2.3'), undefined);
  assert.equal(parseQuantityExact('5 Mi'), undefined);
});

test('String(): the canonical form per format', () => {
  assert.equal(fmt('100m'), '100m');
  assert.equal(fmt('0.1'), '100m');
  assert.equal(fmt('1.5'), '1500m');
  assert.equal(fmt('2000m'), '2');
  assert.equal(fmt('1000'), '1k');
  assert.equal(fmt('64Mi'), '64Mi');
  assert.equal(fmt('1024Ki'), '1Mi');
  assert.equal(fmt('1536Ki'), '1536Ki');
  assert.equal(fmt('512Ki'), '512Ki');
  assert.equal(fmt('1e3'), '1e3');
  assert.equal(fmt('0'), '0');
  assert.equal(fmt('0Mi'), '0');
  assert.equal(formatQuantity(addQuantity(parseQuantity('100m')!, parseQuantity('1')!)), '1100m');
  assert.equal(formatQuantity(addQuantity(parseQuantity('64Mi')!, parseQuantity('1M')!)), '68108864');
});

test('pod requests: containers summed, the largest init container at least, overhead added', () => {
  const pod = {
    spec: {
      initContainers: [{ resources: { requests: { cpu: '2' } } }],
      containers: [{ resources: { requests: { cpu: '500m', memory: '64Mi' } } }, { resources: { requests: { cpu: '250m' } } }],
      overhead: { memory: '1Mi' },
    },
  };
  const r = podResources(pod, 'requests');
  assert.equal(formatQuantity(r.cpu), '2');
  assert.equal(formatQuantity(r.memory), '65Mi');
  const l = podResources(pod, 'limits');
  assert.deepEqual(Object.keys(l), []);
});
