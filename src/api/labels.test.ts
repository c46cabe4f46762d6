import { test } from 'node:test';
import assert from 'node:assert/strict';
import { everything, parseSelector, selectorFromLabelSelector } from './labels.js';
import { formatLabelSelector } from '../printers/labels.js';
import { UserError } from '../errors.js';

test('equality, inequality and set selectors', () => {
  const s = parseSelector('app=web,tier!=db');
  assert.ok(s.matches({ app: 'web' }));
  assert.ok(s.matches({ app: 'web', tier: 'fe' }));
  assert.ok(!s.matches({ app: 'web', tier: 'db' }));
  assert.ok(!s.matches({}));
  assert.ok(parseSelector('app==web').matches({ app: 'web' }));
  const set = parseSelector('env in (prod, qa),team notin (x)');
  assert.ok(set.matches({ env: 'qa' }));
  assert.ok(!set.matches({ env: 'dev' }));
  assert.ok(!set.matches({ env: 'qa', team: 'x' }));
});

test('exists and does-not-exist', () => {
  assert.ok(parseSelector('job-name').matches({ 'job-name': 'pi' }));
  assert.ok(!parseSelector('job-name').matches({}));
  assert.ok(parseSelector('!job-name').matches({ a: 'b' }));
  assert.ok(!parseSelector('!job-name').matches({ 'job-name': '' }));
});

test('String() sorts requirements by key and values', () => {
  assert.equal(parseSelector('z=1,a in (c,b),!m,k').string(), 'a in (b,c),k,!m,z=1');
  assert.equal(parseSelector('x notin (b,a)').string(), 'x notin (a,b)');
  assert.equal(parseSelector('').string(), '');
  assert.ok(parseSelector('').empty());
  assert.ok(everything().matches(undefined));
});

test('parse errors are UserErrors with apimachinery text', () => {
  assert.throws(() => parseSelector('a in'), (e: unknown) => e instanceof UserError && /unable to parse requirement: found '', expected: '\('|found '' expected: '\('/.test((e as Error).message));
  assert.throws(() => parseSelector('a=b,'), /found '', expected: identifier after ','/);
  assert.throws(() => parseSelector('=b'), /found '=', expected: !, identifier, or 'end of string'/);
  assert.throws(() => parseSelector('a=b c'), /found 'c', expected: ',' or 'end of string'/);
  assert.throws(() => parseSelector('a=b=c'), UserError);
});

test('LabelSelector conversion: nil matches nothing, {} everything', () => {
  assert.ok(!selectorFromLabelSelector(null).matches({}));
  assert.ok(!selectorFromLabelSelector(undefined).matches({ a: 'b' }));
  assert.ok(selectorFromLabelSelector({}).matches({ a: 'b' }));
  const s = selectorFromLabelSelector({
    matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' },
    matchExpressions: [{ key: 'env', operator: 'In', values: ['b', 'a'] }, { key: 'x', operator: 'DoesNotExist' }],
  });
  assert.equal(s.string(), 'batch.kubernetes.io/controller-uid=u1,env in (a,b),!x');
  assert.ok(s.matches({ 'batch.kubernetes.io/controller-uid': 'u1', env: 'a' }));
  assert.throws(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Foo' }] }), /"Foo" is not a valid label selector operator/);
  assert.equal(formatLabelSelector(null), '<none>');
  assert.equal(formatLabelSelector({ matchLabels: { a: 'b' } }), 'a=b');
});
