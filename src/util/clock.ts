// Time is injected: controllers and the kubelet never call Date.now() directly, so unit tests
// drive them with a FakeClock and never sleep.
export interface Clock {
  now(): Date;
  /** This clock's time at a real instant (ms), for times other processes recorded in real time. */
  fromReal?(realMs: number): number;
}

export const realClock: Clock = { now: () => new Date() };

export class FakeClock implements Clock {
  private t: number;
  constructor(start: Date | string | number = '2026-11-23T12:00:00Z') {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  /** Move time forward by ms milliseconds. */
  step(ms: number): void {
    this.t += ms;
  }
  set(d: Date | string | number): void {
    this.t = new Date(d).getTime();
  }
}

/**
 * The clock of a state directory. By default it is the real clock. `kjob clock set` persists a
 * simulated clock in the state file (meta key "clock"): simulated time `time` at real instant
 * `realAt`, moving `rate` times as fast as real time from there (rate 0 is a stopped clock that
 * only `kjob clock advance` moves). The engine and every CLI command read the same setting, so
 * schedules, events, timestamps and the AGE columns agree. Processes (containers) still take
 * real time; only the controllers' and printers' notion of "now" is simulated.
 */
export interface ClockSetting {
  /** simulated ms since the epoch at realAt */
  time: number;
  /** real ms since the epoch when the setting was made */
  realAt: number;
  /** simulated ms per real ms (>= 0) */
  rate: number;
}

export const CLOCK_META_KEY = 'clock';

export class StateClock implements Clock {
  private setting?: ClockSetting;
  constructor(private readonly realNow: () => number = Date.now) {}

  /** Read the setting of a state directory (anything with getMeta, e.g. the Store). */
  load(meta: { getMeta(key: string): string | undefined }): this {
    this.setting = parseClockSetting(meta.getMeta(CLOCK_META_KEY));
    return this;
  }

  get simulated(): ClockSetting | undefined {
    return this.setting;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    return this.fromReal(this.realNow());
  }

  fromReal(realMs: number): number {
    const s = this.setting;
    if (!s) return realMs;
    return Math.floor(s.time + (realMs - s.realAt) * s.rate);
  }

  /** The clock of the engine's work queue: this clock, except that a stopped one (rate 0) lets
   * queued delays pass in real time (so sync batching and requeues still happen; the controllers
   * still see the stopped time). */
  queueNowMs(): number {
    const s = this.setting;
    if (s && s.rate === 0) return s.time + (this.realNow() - s.realAt);
    return this.nowMs();
  }

  /** How long to wait in real time for simMs of the queue clock to pass. */
  realDelayMs(simMs: number): number {
    const s = this.setting;
    if (!s) return simMs;
    if (simMs <= 0) return 0;
    if (s.rate === 0) return simMs;
    return Math.ceil(simMs / s.rate);
  }
}

export function parseClockSetting(raw: string | undefined): ClockSetting | undefined {
  if (!raw) return undefined;
  try {
    const s = JSON.parse(raw) as ClockSetting;
    if (![s.time, s.realAt, s.rate].every((n) => typeof n === 'number' && Number.isFinite(n)) || s.rate < 0) return undefined;
    return s;
  } catch {
    return undefined;
  }
}
