// Cucumber profiles. `npx cucumber-js` (or `npm run e2e`, the same) starts the system under
// test once on the coordinator (support/hooks/system-under-test.ts), runs the scenarios in
// worker threads, tears everything down and renders the reports (scripts/e2e/report-formatter.ts).
//
// No `paths` here: cucumber adds paths given on the command line to configured ones, so
// `npx cucumber-js features/seat-race.feature:5` would run everything. Its default is features/.
const workers = Number(process.env.E2E_WORKERS ?? 2);
// Where the run writes its reports; environment/run-session.ts reads the same variable.
const reports = process.env.E2E_REPORTS_DIR || 'reports';

const common = {
  import: ['support/**/*.ts', 'steps/**/*.ts'],
  format: [
    'progress-bar',
    `message:${reports}/messages.ndjson`,
    `junit:${reports}/junit.xml`,
    `./scripts/e2e/report-formatter.ts:${reports}/json/cucumber.json`,
  ],
  formatOptions: { snippetInterface: 'async-await', junit: { suiteName: 'ticket-rush e2e' } },
  // Scenarios run in parallel; @serial ones run alone (support/hooks/run-serial-scenarios-alone.ts).
  parallel: workers,
  strict: true,
  // Only scenarios tagged @flaky get a second (and third) chance. Every attempt stays in
  // reports/messages.ndjson, and the summary lists a scenario that needed one as flaky.
  retry: 2,
  retryTagFilter: '@flaky',
};

export default common;

/** `npx cucumber-js --profile smoke`: the fast subset (same as `--tags @smoke`). */
export const smoke = { ...common, tags: '@smoke' };

/**
 * `npx cucumber-js --profile sharded`: the whole suite with every concert's waiting room spread
 * over 3 shards the moment it is put on sale (the operator's driver does it, support/driver/operator.ts),
 * so every promise is checked on a sharded room too.
 */
export const sharded = { ...common, worldParameters: { roomShards: 3 } };
