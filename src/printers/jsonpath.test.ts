// The jsonpath evaluator against outputs recorded from kubectl v1.32 (kube-mirror, same objects).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JSONPath, jsonPathPrinter, goSharpV, goQuote, goFloatV, relaxedJSONPathExpression } from './jsonpath.js';

const job = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'pi', namespace: 'default', labels: { 'job-name': 'pi', 'batch.kubernetes.io/job-name': 'pi' }, creationTimestamp: null },
  spec: { backoffLimit: 4, suspend: false, template: { spec: { containers: [{ name: 'pi', image: 'perl', command: ['perl', '-e', 'print 1'] }] } } },
  status: {
    succeeded: 1,
    conditions: [
      { type: 'SuccessCriteriaMet', status: 'True' },
      { type: 'Complete', status: 'True' },
    ],
  },
};
const list = { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: [job, { ...job, metadata: { ...job.metadata, name: 'echo' }, status: {} }] };
const run = (tmpl: string, data: unknown = job, opts = {}) => jsonPathPrinter(tmpl, opts)(data);

test('fields, lists, indexes, slices and unions', () => {
  assert.equal(run('{.status.succeeded}'), '1');
  assert.equal(run('{.metadata.labels.job-name}'), 'pi');
  assert.equal(run('{.items[*].metadata.name}', list), 'pi echo');
  assert.equal(run('{.items[-1].metadata.name}', list), 'echo');
  assert.equal(run('{.items[0:1].metadata.name}', list), 'pi');
  assert.equal(run('{.spec.template.spec.containers[0].command[0,2]}'), 'perl print 1');
  assert.equal(run('{.spec.template.spec.containers[0].command[::2]}'), 'perl print 1');
  assert.equal(run('{.spec.template.spec.containers[0].command}'), '["perl","-e","print 1"]');
  assert.equal(run('{.spec.suspend} {.spec.backoffLimit}'), 'false 4');
  assert.equal(run('{.metadata.creationTimestamp}'), 'null');
  assert.equal(run('name: {.metadata.name}!'), 'name: pi!');
  assert.equal(run('{$.metadata.name}'), 'pi');
  assert.equal(run('{true} {1.5} {12}'), 'true 1.5 12');
});

test('escaped dots and quoted keys', () => {
  assert.equal(run('{.metadata.labels.batch\\.kubernetes\\.io/job-name}'), 'pi');
  assert.equal(run("{.metadata.labels['batch\\.kubernetes\\.io/job-name']}"), 'pi');
  // an unescaped dot inside quotes splits the key, as in kubectl
  assert.equal(run("{.metadata.labels['batch.kubernetes.io/job-name']}"), '');
  assert.equal(run("{.metadata.labels['job-name']}"), 'pi');
});

test('range, filters, recursion', () => {
  assert.equal(run('{range .items[*]}{.metadata.name}{"\\n"}{end}', list), 'pi\necho\n');
  assert.equal(run('{range .items[*]}[{.metadata.name}]{end}', list), '[pi][echo]');
  assert.equal(run('{.status.conditions[?(@.type=="Complete")].status}'), 'True');
  assert.equal(run("{.status.conditions[?(@.type=='Complete')].type}"), 'Complete');
  assert.equal(run('{.items[?(@.status.succeeded==1)].metadata.name}', list), 'pi');
  assert.equal(run('{.items[?(@.status.succeeded)].metadata.name}', list), 'pi');
  assert.equal(run('{.items[?(@.metadata.name<"p")].metadata.name}', list), 'echo');
  assert.equal(run('{..succeeded}'), '1');
  assert.equal(run('{.metadata..name}'), 'pi');
});

test('jsonpath-as-json', () => {
  assert.equal(run('{.status.conditions[*].type}', job, { asJSON: true }), '[\n    "SuccessCriteriaMet",\n    "Complete"\n]\n');
});

test('missing keys: nothing by default, kubectl\'s error otherwise', () => {
  assert.equal(run('{.x}'), '');
  assert.throws(
    () => run('{.x}', { a: 'b\n', n: null, l: [1, 1.5, true] }, { allowMissingKeys: false }),
    (e: Error) =>
      e.message ===
      'error executing jsonpath "{.x}": Error executing template: x is not found. Printing more information for debugging the template:\n' +
        '\ttemplate was:\n\t\t{.x}\n\tobject given to jsonpath engine was:\n' +
        '\t\tmap[string]interface {}{"a":"b\\n", "l":[]interface {}{1, 1.5, true}, "n":interface {}(nil)}\n\n\n',
  );
  assert.throws(() => run('{.items[5]}', list), /array index out of bounds: index 5, length 2\. Printing/);
  assert.throws(() => run('{.metadata.name} {end}'), /not in range, nothing to end/);
  assert.throws(() => run('{.items[?(@.status.succeeded>"a")].metadata.name}', list), /incompatible types for comparison/);
});

test('parse errors', () => {
  assert.throws(() => run('{.x'), { message: 'error parsing jsonpath {.x, unclosed action\n' });
  assert.throws(() => run('{.metadata.[}'), /unterminated array/);
  assert.throws(() => run('{%}'), /unrecognized character in action: U\+0025 '%'/);
  assert.throws(() => run('{.metadata["name"]}'), /invalid array index "name"/);
  assert.throws(() => run(''), { message: 'template format specified but no template given' });
});

test('Go formatting helpers', () => {
  assert.equal(goQuote('a"b\\c\td\u0001é'), '"a\\"b\\\\c\\td\\x01é"');
  assert.equal(goSharpV({ m: {}, e: [] }), 'map[string]interface {}{"e":[]interface {}{}, "m":map[string]interface {}{}}');
  assert.equal(goFloatV(1.5), '1.5');
  assert.equal(goFloatV(1234567.5), '1.2345675e+06');
  assert.equal(goFloatV(0.00001), '1e-05');
  assert.equal(relaxedJSONPathExpression('.status.succeeded'), '{.status.succeeded}');
  assert.equal(relaxedJSONPathExpression('{status.succeeded}'), '{.status.succeeded}');
  assert.equal(new JSONPath('{.a}').findResults({ a: 1 }).length, 1);
});
