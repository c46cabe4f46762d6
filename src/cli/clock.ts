// `kjob clock [show|set|advance|reset]` (kjob only): the simulated clock of a state directory, for
// tests and demos of schedules ("every minute" in one real second). See StateClock.
//   kjob clock                          show it
//   kjob clock set [--time T] [--rate R] simulated time T (default: now) moving R× real time (default 1; 0 stops it)
//   kjob clock advance DURATION         move a simulated clock forward (Go duration: 90s, 1m, 2h30m)
//   kjob clock reset                    back to real time
import { UserError } from '../errors.js';
import { rfc3339 } from '../api/types.js';
import { CLOCK_META_KEY, type ClockSetting } from '../util/clock.js';
import { parseGoDuration } from '../util/go.js';
import type { Context } from './context.js';
import type { IO } from './io.js';

export interface ClockOptions {
  time?: string;
  rate?: string;
}

function describe(s: ClockSetting | undefined, now: Date): string {
  if (!s) return `clock: real time, ${rfc3339(now)}\n`;
  const pace = s.rate === 0 ? 'stopped (kjob clock advance moves it)' : s.rate === 1 ? 'moving at real speed' : `moving ${s.rate}x real speed`;
  return `clock: simulated, ${rfc3339(now)}, ${pace}\n`;
}

export async function clock(ctx: Context, action: string | undefined, args: string[], opts: ClockOptions, io: IO): Promise<number> {
  ctx.requireLocal('clock');
  const store = ctx.store;
  const current = ctx.clock.simulated;
  const now = ctx.now().getTime();
  const write = async (s: ClockSetting | undefined) => {
    if (s && s.time < now && ['Job', 'CronJob', 'Pod'].some((k) => store.list(k as 'Job').length > 0)) {
      throw new UserError(`error: kjob: the clock cannot go back (it is ${rfc3339(new Date(now))}) while Jobs, CronJobs or Pods exist`);
    }
    store.setMeta(CLOCK_META_KEY, s ? JSON.stringify(s) : '');
    ctx.clock.load(store);
    await ctx.engineClockChanged();
    io.out(describe(ctx.clock.simulated, ctx.clock.now()));
  };
  switch (action ?? 'show') {
    case 'show':
      io.out(describe(current, new Date(now)));
      return 0;
    case 'set': {
      const realAt = Date.now();
      // the simulated time now, read at the same real instant the new setting starts from
      let time = current ? Math.floor(current.time + (realAt - current.realAt) * current.rate) : realAt;
      if (opts.time !== undefined) {
        time = Date.parse(opts.time);
        if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(opts.time) || Number.isNaN(time)) {
          throw new UserError(`error: --time must be an RFC 3339 time such as 2026-03-08T06:59:00Z, got "${opts.time}"`);
        }
      }
      const rate = opts.rate === undefined ? (current?.rate ?? 1) : Number(opts.rate);
      if (!Number.isFinite(rate) || rate < 0) throw new UserError(`error: --rate must be a number >= 0, got "${opts.rate}"`);
      await write({ time, realAt, rate });
      return 0;
    }
    case 'advance': {
      if (!current) throw new UserError('error: kjob: the clock is real time; `kjob clock set` a simulated clock first');
      if (args.length !== 1) throw new UserError('error: kjob clock advance DURATION (for example 1m, 90s, 2h30m)');
      let ns: bigint;
      try {
        ns = parseGoDuration(args[0]);
      } catch (e) {
        throw new UserError(`error: invalid argument "${args[0]}": ${(e as Error).message}`);
      }
      if (ns < 0n) throw new UserError('error: kjob: the clock cannot go back');
      const realAt = Date.now();
      const from = Math.floor(current.time + (realAt - current.realAt) * current.rate);
      await write({ time: from + Number(ns / 1_000_000n), realAt, rate: current.rate });
      return 0;
    }
    case 'reset':
      if (current && Date.now() < now && ['Job', 'CronJob', 'Pod'].some((k) => store.list(k as 'Job').length > 0)) {
        throw new UserError(`error: kjob: the clock cannot go back to real time (it is ahead, at ${rfc3339(new Date(now))}) while Jobs, CronJobs or Pods exist`);
      }
      store.setMeta(CLOCK_META_KEY, '');
      ctx.clock.load(store);
      await ctx.engine();
      io.out(describe(undefined, new Date()));
      return 0;
    default:
      throw new UserError(`error: unknown clock action "${action}": use show, set, advance or reset`);
  }
}
