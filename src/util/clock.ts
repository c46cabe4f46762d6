// Time is injected: controllers and the kubelet never call Date.now() directly, so unit tests
// drive them with a FakeClock and never sleep.
export interface Clock {
  now(): Date;
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
