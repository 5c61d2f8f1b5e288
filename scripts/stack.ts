/**
 * `npm run stack`: the e2e environment and the reference system in the foreground, for people
 * who want to poke at it with curl. Prints one JSON line with every endpoint and the admin
 * token, then runs until Ctrl-C or SIGTERM, when it tears everything down.
 */
import path from 'node:path';
import { startManagedTarget, type ManagedTarget } from '../environment/managed-target.ts';
import { runTeardowns } from '../environment/teardown.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const log = (line: string) => console.error(`[stack] ${line}`);

let target: ManagedTarget | undefined;
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log(`${signal} received, tearing down`);
  await runTeardowns();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

try {
  target = await startManagedTarget(log, path.join(ROOT, 'reports', 'logs'));
  const env = target.env;
  console.log(
    JSON.stringify({
      coreUrl: env.E2E_CORE_URL,
      queueUrls: env.E2E_QUEUE_URLS.split(','),
      paymentGatewayUrl: env.E2E_GATEWAY_URL,
      adminToken: env.E2E_ADMIN_TOKEN,
      databaseUrl: env.E2E_DATABASE_URL,
      redisNodes: env.E2E_REDIS_NODES.split(','),
    }),
  );
  log('ready; service logs in reports/logs/. Ctrl-C to stop.');
} catch (error) {
  log((error as Error).message);
  await runTeardowns();
  process.exit(1);
}
