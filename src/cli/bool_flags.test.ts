import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { readGoBoolFlags, setFalseFlags } from './bool_flags.js';
import { UserError } from '../errors.js';

function program(): { root: Command; del: Command } {
  const root = new Command('kjob').option('--no-color', 'no colour').exitOverride();
  const del = root
    .command('delete')
    .argument('[args...]')
    .option('--ignore-not-found', 'ignore')
    .option('--wait', 'wait', true)
    .option('-o, --output <format>', 'format')
    .action(() => undefined);
  root.command('get').option('--no-headers', 'no headers').option('--output <format>', 'format');
  return { root, del };
}

test("pflag's --flag=VALUE of a boolean flag: true is the bare flag, false drops it and is remembered; other flags and what follows -- are left alone", () => {
  const { root } = program();
  const r = readGoBoolFlags(root, ['delete', 'cm', '--ignore-not-found=false', '--no-color=True', '--output=name', '--', 'echo', '--ignore-not-found=x'], 'kjob delete');
  assert.deepEqual(r.argv, ['delete', 'cm', '--no-color', '--output=name', '--', 'echo', '--ignore-not-found=x']);
  // Only the flags of the command run are read: get's --no-headers is no flag of delete's, and
  // commander refuses it (kubectl's "unknown flag").
  assert.deepEqual(readGoBoolFlags(root, ['delete', 'cm', '--no-headers=0'], 'kjob delete').argv, ['delete', 'cm', '--no-headers=0']);
  // A negated flag given false is only dropped: what it negates keeps its default.
  assert.deepEqual(r.falseFlags, ['--ignore-not-found']);
  assert.deepEqual(readGoBoolFlags(root, ['delete', '--ignore-not-found=t'], 'kjob delete').argv, ['delete', '--ignore-not-found']);
});

test('the last value of a boolean flag stands, as in pflag; one whose default is true is given false the same way', () => {
  const { root } = program();
  const read = (argv: string[]) => readGoBoolFlags(root, argv, 'kjob delete');
  assert.deepEqual(read(['delete', '--ignore-not-found=false', '--ignore-not-found']), { argv: ['delete', '--ignore-not-found'], falseFlags: [] });
  assert.deepEqual(read(['delete', '--ignore-not-found', 'cm', '--ignore-not-found=0']), { argv: ['delete', 'cm'], falseFlags: ['--ignore-not-found'] });
  // A negated flag taken back: the headers stay.
  assert.deepEqual(read(['get', '--no-headers', '--no-headers=false']), { argv: ['get'], falseFlags: [] });
  assert.deepEqual(read(['delete', '--wait=F']), { argv: ['delete'], falseFlags: ['--wait'] });
  assert.deepEqual(read(['delete', '--wait=1']), { argv: ['delete', '--wait'], falseFlags: [] });
  assert.throws(() => read(['delete', '--wait=yes']), /invalid argument "yes" for "--wait" flag: strconv.ParseBool/);
});

test('a value Go cannot read as a boolean is the flag error kubectl prints', () => {
  const { root } = program();
  assert.throws(
    () => readGoBoolFlags(root, ['delete', '--ignore-not-found=yes'], 'kjob delete'),
    (e: unknown) => e instanceof UserError && e.message === 'Error: invalid argument "yes" for "--ignore-not-found" flag: strconv.ParseBool: parsing "yes": invalid syntax\nSee \'kjob delete --help\' for usage.',
  );
});

test('a flag given false is set on the command that defines it, as given on the command line', async () => {
  const { root, del } = program();
  const r = readGoBoolFlags(root, ['delete', '--ignore-not-found=false'], 'kjob delete');
  root.hook('preAction', (_, command) => setFalseFlags(command, r.falseFlags));
  await root.parseAsync(r.argv, { from: 'user' });
  assert.equal(del.opts().ignoreNotFound, false);
  assert.equal(del.getOptionValueSource('ignoreNotFound'), 'cli');
  // A bare flag takes no value: what follows it is an argument (`kjob delete --wait cm a`).
  const third = program();
  await third.root.parseAsync(['delete', '--wait', 'cm', 'a'], { from: 'user' });
  assert.deepEqual([third.del.opts().wait, third.del.args], [true, ['cm', 'a']]);
  // Not given at all: undefined, the verb's own default applies.
  const other = program();
  await other.root.parseAsync(['delete'], { from: 'user' });
  assert.equal(other.del.opts().ignoreNotFound, undefined);
});

test("a shorthand's value after `=` (-A=false), and in a cluster (-wA=false); pflag's error names the flag by both names", () => {
  const root = new Command('kjob').option('-n, --namespace <ns>', 'namespace').exitOverride();
  root.command('get').option('-A, --all-namespaces', 'all').option('-w, --watch', 'watch').option('-o, --output <format>', 'format').option('-l, --selector <sel>', 'selector');
  root.command('logs').option('-f, --follow', 'follow');
  root.command('apply').option('-f, --filename <file>', 'file');
  const rollout = root.command('rollout');
  rollout.command('status').option('-w, --watch', 'watch', true);
  rollout.command('pause');
  const read = (argv: string[]) => readGoBoolFlags(root, argv, 'kjob get');
  assert.deepEqual(read(['get', 'pods', '-A=false']), { argv: ['get', 'pods'], falseFlags: ['--all-namespaces'] });
  assert.deepEqual(read(['get', 'pods', '-A=true', '-w=F']), { argv: ['get', 'pods', '-A'], falseFlags: ['--watch'] });
  // The last value stands, whichever name or cluster gave it.
  assert.deepEqual(read(['get', '-A', 'pods', '-A=0']), { argv: ['get', 'pods'], falseFlags: ['--all-namespaces'] });
  assert.deepEqual(read(['get', '--all-namespaces=false', 'pods', '-A']), { argv: ['get', 'pods', '-A'], falseFlags: [] });
  assert.deepEqual(read(['get', 'pods', '-w=false', '-wA']), { argv: ['get', 'pods', '-w', '-A'], falseFlags: [] });
  assert.deepEqual(read(['get', 'pods', '-wA=false']), { argv: ['get', 'pods', '-w'], falseFlags: ['--all-namespaces'] });
  // Valued shorthands keep commander's reading; so does a value that looks like a flag (pflag
  // takes the next argument as the value whatever it is), and a letter of another command's.
  assert.deepEqual(read(['get', '-o=wide', 'pods']).argv, ['get', '-o=wide', 'pods']);
  // An operand is no cluster of shorthands: `po` is not `-p -o`, whose -o would take the next argument.
  assert.deepEqual(read(['get', 'po', '-A=false']), { argv: ['get', 'po'], falseFlags: ['--all-namespaces'] });
  assert.deepEqual(read(['get', 'po', '-w=true']).argv, ['get', 'po', '-w']);
  assert.deepEqual(read(['get', 'pods', '-l', '-A=yes']).argv, ['get', 'pods', '-l', '-A=yes']);
  assert.deepEqual(read(['-n', '-A', 'get', 'pods']).argv, ['-n', '-A', 'get', 'pods']);
  assert.deepEqual(read(['apply', '-f=job.yaml']).argv, ['apply', '-f=job.yaml']);
  assert.deepEqual(read(['logs', 'p', '-f=false']), { argv: ['logs', 'p'], falseFlags: ['--follow'] });
  assert.deepEqual(read(['rollout', 'status', 'deploy/x', '-w=false']), { argv: ['rollout', 'status', 'deploy/x'], falseFlags: ['--watch'] });
  assert.deepEqual(read(['rollout', 'pause', 'deploy/x', '-w=false']), { argv: ['rollout', 'pause', 'deploy/x', '-w=false'], falseFlags: [] });
  const error = (argv: string[]) => {
    try {
      read(argv);
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };
  assert.equal(error(['get', 'pods', '-A=yes']), 'Error: invalid argument "yes" for "-A, --all-namespaces" flag: strconv.ParseBool: parsing "yes": invalid syntax\nSee \'kjob get --help\' for usage.');
  assert.equal(error(['get', 'pods', '--all-namespaces=yes']), error(['get', 'pods', '-A=yes']));
  assert.match(error(['get', 'pods', '--watch=2']), /for "-w, --watch" flag/);
});
