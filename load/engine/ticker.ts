import type { Recorder } from '../metrics/recorder.ts';

export type ProgressFields = () => string;

/**
 * Once a second: closes the recorder's second (chart points) and prints the live progress line.
 * On a terminal the line is rewritten in place; otherwise (CI logs) one line every 5 s.
 */
export function startTicker(recorder: Recorder, label: string, fields: ProgressFields) {
  const tty = process.stderr.isTTY;
  let seconds = 0;
  const timer = setInterval(() => {
    recorder.flushSecond();
    seconds++;
    const line = `[${label} ${formatElapsed(recorder.elapsedMs())}] ${fields()}`;
    if (tty) process.stderr.write(`\r\x1b[2K${line}`);
    else if (seconds % 5 === 0) process.stderr.write(`${line}\n`);
  }, 1000);
  return {
    stop() {
      clearInterval(timer);
      if (tty) process.stderr.write('\n');
    },
  };
}

function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
