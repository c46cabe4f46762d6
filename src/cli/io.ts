// Where a command writes. Commands never touch process.stdout directly, so tests can capture.
export interface IO {
  out(s: string): void;
  err(s: string): void;
}

export const processIO: IO = {
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
};
