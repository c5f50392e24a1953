/**
 * Progress on stderr (stdout holds only the report): one line per case, `[i/N] title … ETA`, with
 * the estimate of what is left scaled by how the finished cases compared with their estimates.
 * On a terminal the line also counts repetitions in place.
 */
import { STDERR_TTY } from './isolation.js';

/** Seconds as `45 s`, `2 min 05 s`. */
export function formatDuration(s: number): string {
  const t = Math.max(0, Math.round(s));
  return t < 60 ? `${t} s` : `${Math.floor(t / 60)} min ${String(t % 60).padStart(2, '0')} s`;
}

/** Writes the progress lines of one run of `estimates.length` cases. */
export class Progress {
  private readonly started = Date.now();
  private readonly tty: boolean;
  private line = '';
  private caseStarted = 0;

  /** `estimates`: each case's expected seconds, in run order. */
  constructor(private readonly estimates: readonly number[], private readonly out: NodeJS.WriteStream = process.stderr) {
    this.tty = out.isTTY === true || process.env[STDERR_TTY] === '1';
  }

  /** Seconds since the run started. */
  elapsedS(): number {
    return (Date.now() - this.started) / 1000;
  }

  /** The expected seconds left from case `i` on, scaled by how long the cases before it took. */
  etaS(i: number): number {
    const before = this.estimates.slice(0, i).reduce((a, b) => a + b, 0);
    const left = this.estimates.slice(i).reduce((a, b) => a + b, 0);
    const factor = before > 0 ? Math.min(3, Math.max(0.3, this.elapsedS() / before)) : 1;
    return left * factor;
  }

  /** Announces case `i` (0-based). */
  start(i: number, title: string, reps: number): void {
    this.caseStarted = Date.now();
    const n = this.estimates.length;
    this.line = `[${String(i + 1).padStart(String(n).length)}/${n}] ${title} … ${reps} rep${reps === 1 ? '' : 's'} ` +
      `(at ${formatDuration(this.elapsedS())}, ETA ${formatDuration(this.etaS(i))})`;
    this.write(this.tty ? `\r\x1b[K${this.line}` : `${this.line}\n`);
  }

  /** Counts a finished repetition of the current case (on a terminal only). */
  rep(done: number, reps: number): void {
    if (this.tty) this.write(`\r\x1b[K${this.line} (rep ${done}/${reps})`);
  }

  /** Ends the current case's line (on a terminal, with its duration); returns the case's seconds. */
  end(): number {
    const s = (Date.now() - this.caseStarted) / 1000;
    if (this.tty) this.write(`\r\x1b[K${this.line}: ${formatDuration(s)}\n`);
    return s;
  }

  /** A free line (a file written, the run's total). */
  note(message: string): void {
    this.write(`${message}\n`);
  }

  private write(s: string): void {
    this.out.write(s);
  }
}
