import { wallClockMs, type Recorder } from '../metrics/recorder.ts';

export type ProgressFields = () => string;

/**
 * Once a second: closes the recorder's second (chart points) and prints the live progress line.
 * On a terminal the line is rewritten in place; otherwise (CI logs) one line every 5 s.
 * With `alignToMs` (a wall-clock time) the seconds close at whole seconds after it: the
 * generators of one run close theirs together, so the merge adds up the same seconds.
 */
export function startTicker(recorder: Recorder, label: string, fields: ProgressFields, alignToMs?: number) {
  const tty = process.stderr.isTTY;
  let seconds = 0;
  const tick = () => {
    recorder.flushSecond();
    seconds++;
    const line = `[${label} ${formatElapsed(recorder.elapsedMs())}] ${fields()}`;
    if (tty) process.stderr.write(`\r\x1b[2K${line}`);
    else if (seconds % 5 === 0) process.stderr.write(`${line}\n`);
  };
  let timer: NodeJS.Timeout;
  if (alignToMs === undefined) timer = setInterval(tick, 1000);
  else {
    const next = () => {
      const now = wallClockMs();
      // The next whole second after the alignment; a timer that fires a little early counts as on time.
      const at = alignToMs + (Math.floor((now - alignToMs + 50) / 1000) + 1) * 1000;
      timer = setTimeout(() => {
        tick();
        next();
      }, at - now);
    };
    next();
  }
  return {
    stop() {
      clearTimeout(timer);
      clearInterval(timer);
      if (tty) process.stderr.write('\n');
    },
  };
}

function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
