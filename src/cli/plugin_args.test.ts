// kubectl's refusal of a flag before a command line's first word, when that word names no
// command once cobra's Find has taken an unknown flag's value: each case as kubectl v1.32 answered
// it (KUBECONFIG=/dev/null kubectl ARGS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandWords, flagBeforePluginName, type RootFlag } from './plugin_args.js';

// kjob's root flags (src/cli/main.ts buildProgram); kubectl's -n and --namespace take a value too.
const root: RootFlag[] = [
  { names: ['--home'], takesValue: true },
  { names: ['-n', '--namespace'], takesValue: true },
  { names: ['--kubeconfig'], takesValue: true },
  { names: ['--context'], takesValue: true },
  { names: ['--no-color'], takesValue: false },
];
const commands = new Set(['get', 'describe', 'apply']);
const refused = (...args: string[]) => flagBeforePluginName(args, commandWords(args, root), (n) => commands.has(n));

test('an unknown flag takes the next argument as its value, so the line names the command after it', () => {
  assert.equal(refused('-A', 'get', 'pods'), 'Error: flags cannot be placed before plugin name: -A\n');
  assert.equal(refused('--bogus', 'get', 'pods'), 'Error: flags cannot be placed before plugin name: --bogus\n');
  assert.equal(refused('-v', '2', 'bogus'), 'Error: flags cannot be placed before plugin name: -v\n');
  assert.equal(refused('-A', 'get', 'pods', '--'), 'Error: flags cannot be placed before plugin name: -A\n');
  assert.equal(refused('-A', 'x', 'help'), 'Error: flags cannot be placed before plugin name: -A\n', 'help is not the first word');
});

test('a known flag takes its value, or none; the refusal names the first argument whatever it is', () => {
  assert.equal(refused('-n', 'default', 'bogus'), 'Error: flags cannot be placed before plugin name: -n\n');
  assert.equal(refused('-n', 'default', '-A', 'get', 'pods'), 'Error: flags cannot be placed before plugin name: -n\n');
  assert.equal(refused('--namespace=x', 'bogus'), 'Error: flags cannot be placed before plugin name: --namespace=x\n');
  assert.equal(refused('--no-color', 'bogus'), 'Error: flags cannot be placed before plugin name: --no-color\n');
  assert.equal(refused('-n', 'default', 'get', 'pods', '-A'), undefined);
  assert.equal(refused('--no-color', 'get', 'pods'), undefined);
});

test('left to the command: a line that starts with a word, names no word, or whose first word is help', () => {
  assert.equal(refused('bogus'), undefined, 'kubectl: unknown command "bogus"');
  assert.equal(refused('-A', 'get'), undefined, "Find stops at a flag's value that is the last argument: kubectl: unknown shorthand flag: 'A' in -A");
  assert.equal(refused('-A', 'get', '-o', 'wide'), undefined, 'every word is a value');
  assert.equal(refused('-h', 'bogus'), undefined, '-h is unknown to Find: kubectl prints its help');
  assert.equal(refused('--bogus=1', 'get', 'pods'), undefined, 'kubectl: unknown flag: --bogus');
  assert.equal(refused('-Aw', 'get', 'pods'), undefined, 'a group of shorthands is no flag to Find');
  assert.equal(refused('-A', 'help', 'pods'), undefined, 'kubectl looks for no plugin named by help');
  assert.equal(refused('--no-color', '__complete', 'get'), undefined, 'nor by a completion request');
  assert.equal(refused('--', 'get', 'pods'), undefined);
});

test('commandWords: what cobra stripFlags leaves', () => {
  assert.deepEqual(commandWords(['-n', 'a', 'get', '-A', 'pods', '--', 'x'], root), ['get']);
  assert.deepEqual(commandWords(['get', '-', 'pods'], root), ['get', 'pods']);
  assert.deepEqual(commandWords(['', 'get'], root), ['get'], 'an empty argument is no word');
});
