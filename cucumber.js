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
  parallel: workers,
  strict: true,
};

export default common;

/** `npm run e2e -- --profile smoke`: the fast subset. */
export const smoke = { ...common, tags: '@smoke' };
