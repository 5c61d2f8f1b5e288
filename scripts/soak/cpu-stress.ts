/**
 * A competing CPU load, as a shared CI runner's neighbours make: spins for `share` of every
 * 100 ms and sleeps the rest, so it takes that share of one core for as long as it lives.
 * Started by scripts/soak.ts (`--stress`), one process per core's worth of share.
 *
 * `node scripts/soak/cpu-stress.ts <share of one core, 0 < share <= 1>`
 */
const share = Number(process.argv[2]);
if (!(share > 0 && share <= 1)) {
  console.error(`usage: node scripts/soak/cpu-stress.ts <share>, 0 < share <= 1 (got ${process.argv[2]})`);
  process.exit(2);
}
const PERIOD_MS = 100;

function spin(): void {
  const start = performance.now();
  while (performance.now() - start < share * PERIOD_MS) {
    // busy: this is the load
  }
  setTimeout(spin, PERIOD_MS - (performance.now() - start));
}
spin();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));
// Started with an IPC channel by the soak: when the soak ends, however it ends, so does the load.
process.on('disconnect', () => process.exit(0));
