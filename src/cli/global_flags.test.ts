import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { GLOBAL_FLAGS_WITH_VALUE, addGlobalFlags, checkLoggingFlags, printServerWarnings, requestTimeoutNs, verbosity, warningsAsErrors } from './global_flags.js';
import type { IO } from './io.js';
import { UserError } from '../errors.js';

const INVALID = 'error: Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)';

test('--request-timeout is read as clientcmd.ParseTimeout reads it (each case as kubectl v1.32 took it)', () => {
  const s = 1_000_000_000n;
  assert.equal(requestTimeoutNs(undefined), 0n);
  assert.equal(requestTimeoutNs('0'), 0n);
  assert.equal(requestTimeoutNs('00'), 0n);
  assert.equal(requestTimeoutNs('0s'), 0n);
  assert.equal(requestTimeoutNs('5'), 5n * s);
  assert.equal(requestTimeoutNs('+2'), 2n * s);
  assert.equal(requestTimeoutNs('010'), 10n * s, 'base 10, not octal');
  assert.equal(requestTimeoutNs('1m'), 60n * s);
  assert.equal(requestTimeoutNs('1m30s'), 90n * s);
  // A negative duration is taken, and means no timeout (Go's http.Client).
  assert.equal(requestTimeoutNs('-1s'), -1n * s);
  for (const bad of ['-1', '1.5', ' 3', 'bogus', '', '99999999999999999999']) {
    assert.throws(() => requestTimeoutNs(bad), (e: unknown) => e instanceof UserError && e.message === INVALID, JSON.stringify(bad));
  }
});

test("-v is klog's Level: a decimal int32, or pflag's error", () => {
  assert.equal(verbosity(undefined, 'kjob get'), 0);
  assert.equal(verbosity('6', 'kjob get'), 6);
  assert.equal(verbosity('+9', 'kjob get'), 9);
  assert.throws(() => verbosity('bogus', 'kjob get'), {
    message: `Error: invalid argument "bogus" for "-v, --v" flag: strconv.ParseInt: parsing "bogus": invalid syntax\nSee 'kjob get --help' for usage.`,
  });
  assert.throws(() => verbosity('0x6', 'kjob logs'), /parsing "0x6": invalid syntax\nSee 'kjob logs --help'/);
  assert.throws(() => verbosity('2147483648', 'kjob get'), /parsing "2147483648": value out of range/);
});

test('--vmodule and --log-flush-frequency are taken as klog and component-base check them (kubectl v1.32\'s errors)', () => {
  checkLoggingFlags({ vmodule: 'a=1,b*=2,', logFlushFrequency: '10s' }, 'kjob get');
  checkLoggingFlags({ vmodule: '' }, 'kjob get');
  for (const bad of ['x', 'a=b', '=1', 'a=1=2']) {
    assert.throws(() => checkLoggingFlags({ vmodule: bad }, 'kjob get'), {
      message: `Error: invalid argument ${JSON.stringify(bad)} for "--vmodule" flag: syntax error: expect comma-separated list of filename=N\nSee 'kjob get --help' for usage.`,
    });
  }
  assert.throws(() => checkLoggingFlags({ logFlushFrequency: 'x' }, 'kjob get'), {
    message: `Error: invalid argument "x" for "--log-flush-frequency" flag: parse error\nSee 'kjob get --help' for usage.`,
  });
});

function recording(): IO & { text: () => string } {
  let err = '';
  return { out: () => undefined, err: (s) => (err += s), text: () => err };
}

test("the server's warnings are printed once a command, and --warnings-as-errors fails a command that succeeded with kubectl's klog line", () => {
  const io = recording();
  assert.equal(warningsAsErrors(io, 0), 0, 'no warning, no failure');
  printServerWarnings(io, ['unknown field "foo"']);
  printServerWarnings(io, ['unknown field "foo"', 'unknown field "bar"']);
  assert.equal(io.text(), 'Warning: unknown field "foo"\nWarning: unknown field "bar"\n');
  assert.equal(warningsAsErrors(io, 1), 1, 'a failed command exits before kubectl counts');
  assert.equal(io.text(), 'Warning: unknown field "foo"\nWarning: unknown field "bar"\n');
  assert.equal(warningsAsErrors(io, 0), 1);
  assert.match(io.text(), /\nE\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ run\.go:72\] "command failed" err="2 warnings received"\n$/);
  const other = recording();
  printServerWarnings(other, ['unknown field "foo"']);
  assert.equal(other.text(), 'Warning: unknown field "foo"\n', "another command's (a command server's next) warnings are its own");
  warningsAsErrors(other, 0);
  assert.match(other.text(), /err="1 warning received"\n$/);
});

test('GLOBAL_FLAGS_WITH_VALUE (which the launchers copy to find the verb) is every global flag that takes a value', () => {
  const names = addGlobalFlags(new Command())
    .options.filter((o) => o.required)
    .flatMap((o) => [o.short, o.long].filter((n): n is string => n !== undefined));
  assert.deepEqual([...names].sort(), [...GLOBAL_FLAGS_WITH_VALUE].sort());
});
