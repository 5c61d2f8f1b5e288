import type { FaultRouteName } from './routes.ts';

/**
 * One kind of fault the server injects (queue instances, Redis nodes, PostgreSQL, the network):
 * the routes it answers, what it says of the present state, and how it is undone. The server
 * (server.ts) composes the kinds; each kind lives in a module of its own.
 */
export type FaultKind = {
  handlers: Partial<Record<FaultRouteName, (params: Record<string, string>, body: unknown) => Promise<unknown>>>;
  /** Its part of `GET /state`. */
  state?(): Record<string, unknown>;
  /** Undoes every fault of this kind still in place (`POST /restore`). */
  restore?(): Promise<void>;
};

/** A request the fault server refuses, with the status it answers. */
export class FaultRefusal extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** How long a restore may take: a cluster or a service coming back on a busy machine. */
export const RESTORE_TIMEOUT_MS = 60_000;
