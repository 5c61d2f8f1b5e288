// Cucumber profiles. `npm run e2e` runs the default profile through scripts/e2e.ts, which starts
// the environment once and passes endpoints to the workers through E2E_* variables.
const workers = Number(process.env.E2E_WORKERS ?? 2);

const common = {
  paths: ['features/**/*.feature'],
  import: ['support/**/*.ts', 'steps/**/*.ts'],
  format: [
    'progress-bar',
    'json:reports/json/cucumber.json',
    'message:reports/messages.ndjson',
    'junit:reports/junit.xml',
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

/** `npm run e2e -- --profile smoke`: the fast subset (same as `npm run e2e -- --tags @smoke`). */
export const smoke = { ...common, tags: '@smoke' };
