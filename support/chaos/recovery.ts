import type { Fan } from '../driver/fan.ts';
import { queueServers } from '../driver/stage.ts';
import { eventually } from '../polling.ts';
import type { QueueTraffic } from './queue-traffic.ts';

/**
 * What fans find once a fault is over: whether newcomers get in again, and whether those whose
 * entry was acknowledged during it kept their places.
 */

/**
 * Until `deadline`, newcomers try to enter through each queue server in turn until one is let in
 * there; a new fan for each attempt (`newcomer` names her), as one fan asking again and again
 * would be rate-limited.
 */
export async function untilEveryServerAcceptsNewcomers(newcomer: (name: string) => Fan, deadline: number): Promise<void> {
  for (const through of queueServers.all()) {
    let attempt = 0;
    await eventually(() => newcomer(`Probe${through}x${attempt++}`).enter({ through }), (answer) => answer.succeeded, {
      what: `queue server ${through} to accept a fan again`,
      timeoutMs: Math.max(0, deadline - Date.now()),
      describe: String,
    });
  }
}

/**
 * Stops the traffic, then asks where every fan it got acknowledged stands: `checker` carries each
 * one's token, taking turns across every queue server. The fans whose place is gone ("userId
 * (410 TOKEN_EXPIRED)"), and the position of every other (0 when she has none).
 */
export async function placesOfAcknowledged(traffic: QueueTraffic, checker: Fan): Promise<{ lost: string[]; positions: Map<string, number> }> {
  await traffic.stop();
  const servers = queueServers.all();
  const lost: string[] = [];
  const positions = new Map<string, number>();
  for (const [i, fan] of traffic.acknowledged.entries()) {
    const place = await checker.status({ token: fan.token, through: servers[i % servers.length] });
    if (place.succeeded) positions.set(fan.userId, place.value.position ?? 0);
    else lost.push(`${fan.userId} (${place})`);
  }
  return { lost, positions };
}
