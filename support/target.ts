/**
 * Where the system under test runs, from E2E_* variables set by scripts/e2e.ts (containers) or
 * by the user (an external deployment such as staging).
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the suite with "npm run e2e", or set E2E_* variables for an external target (see README)`);
  }
  return value;
}

export const target = {
  coreUrl: required('E2E_CORE_URL'),
  queueUrls: required('E2E_QUEUE_URLS').split(',').filter(Boolean),
  gatewayUrl: process.env.E2E_GATEWAY_URL ?? '',
  adminToken: required('E2E_ADMIN_TOKEN'),
  /** Read-only SQL for assertions about money and seats; absent on external targets. */
  databaseUrl: process.env.E2E_DATABASE_URL ?? '',
  /** True when the suite started the system itself and may steer infrastructure. */
  managed: process.env.E2E_TARGET !== 'external',
};
