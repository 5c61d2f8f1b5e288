/**
 * Every numeric and timing promise of docs/api.md and docs/guarantees.md, and where the suite
 * probes it at its edge: a limit just inside and just beyond (limit − 1, limit, limit + 1), a
 * deadline just before and just after (and after with the background duty kept away, so the
 * read alone must act), the worst-case lateness of a periodic duty the contract bounds, a budget
 * after refusals. docs/coverage.md renders it (`npm run coverage`); test/suite/coverage.test.ts
 * fails when a named scenario does not exist. A probe not made says so, in `gap`.
 */
export type Boundary = {
  promise: string;
  /** Where the number comes from. */
  source: string;
  probes: { at: string; scenario: string }[];
  gap?: string;
};

const limits = 'abuse-limits';
export const boundaries: Boundary[] = [
  {
    promise: 'at most activeLimit fans READY or ACTIVE at once',
    source: 'docs/api.md policy',
    probes: [
      { at: 'limit reached (2 let in), limit + 1 waits', scenario: 'admission: Only as many fans as the concert allows are let in at once' },
      { at: 'limit − 1 after one leaves: the next let in', scenario: 'admission: A fan who is shopping counts against the limit until she leaves' },
      { at: 'limit over several queue servers', scenario: 'several-instances: The servers together never let in more fans than allowed, nor out of order' },
    ],
  },
  {
    promise: 'at most admitPerSecond admissions a second',
    source: 'docs/api.md policy',
    probes: [{ at: 'each second: at most one second’s worth more', scenario: 'admission: Fans are let in no faster than the waiting room admits them' }],
  },
  {
    promise: 'measuredAdmitPerSecond, in admissions a second',
    source: 'docs/api.md stats, docs/queue.md',
    probes: [{ at: 'within a quarter of admitPerSecond once settled, never 3 times off (another unit)', scenario: 'queue-monitoring: The operator sees how fast fans are let in, in fans a second' }],
  },
  {
    promise: 'policy ranges: activeLimit 1–1,000,000, admitPerSecond 1–100,000, seconds 1–86,400, maxExtensions 0–10, shards 1–16',
    source: 'docs/api.md policy',
    probes: [
      { at: 'both ends of every field taken', scenario: 'queue-administration: Every number of the policy may be set to either end of its range' },
      { at: 'one beyond: 0 and 1,000,001 fans, 0 and 100,001 a second, 86,401 s, 11 and −1 extensions, 0 and 17 shards', scenario: 'queue-administration: A policy change with <change> is refused and changes nothing' },
    ],
  },
  {
    promise: 'seatCount 1–10,000, price 0–100,000,000',
    source: 'docs/api.md admin',
    probes: [
      { at: '1 seat at 0 and 10,000 seats at 100,000,000 taken', scenario: 'concert-setup: A concert at the edge of what is allowed is put on sale: <seats> seats at <price>' },
      { at: '0 and 10,001 seats, −1 and 100,000,001 refused', scenario: 'concert-setup: A concert with <problem> is refused and nothing is created' },
    ],
  },
  {
    promise: 'identifiers of 1–64 characters',
    source: 'docs/api.md',
    probes: [
      { at: '64 taken', scenario: 'entering-the-queue: A fan name of 64 characters, the longest allowed, is taken' },
      { at: '0 and 65 refused', scenario: 'entering-the-queue: Entering with <problem> is refused and changes nothing' },
    ],
  },
  {
    promise: 'a body over 16 kB is 413',
    source: 'docs/api.md',
    probes: [{ at: '17 kB refused', scenario: 'unusual-requests: A request to <request> <problem> is refused' }],
    gap: 'a body just under 16 kB is not sent; every scenario sends bodies under 1 kB',
  },
  {
    promise: 'RATE_LIMIT_ENTER_PER_MINUTE (30) per fan and queue server',
    source: 'docs/api.md, docs/guarantees.md',
    probes: [
      { at: 'the 30th taken, refused at the first beyond (counting what refilled meanwhile)', scenario: `${limits}: A fan who enters too often is told when to retry` },
      { at: 'the budget after 10 refusals: back when first told', scenario: `${limits}: A refusal costs nothing: a fan who keeps trying is let through when she was first told` },
      { at: 'per server', scenario: `${limits}: Each queue server keeps its own count` },
    ],
  },
  {
    promise: 'RATE_LIMIT_STATUS_PER_MINUTE (240) per fan and queue server',
    source: 'docs/api.md, docs/guarantees.md',
    probes: [{ at: 'the 240th taken, refused at the first beyond (counting what refilled meanwhile)', scenario: `${limits}: A fan who checks her place too often is told when to retry` }],
  },
  {
    promise: 'Retry-After on every 429 and 503',
    source: 'docs/api.md',
    probes: [
      { at: 'every answer of every scenario (universal rule)', scenario: `${limits}: A fan who enters too often is told when to retry` },
      { at: '503 while PostgreSQL restarts (the buyers’ answers)', scenario: 'database-restart: Buyers keep booking through a PostgreSQL restart' },
    ],
  },
  {
    promise: '2 status streams per entry over every queue server',
    source: 'docs/api.md',
    probes: [{ at: 'the 2nd taken, the 3rd refused, one closed and taken again', scenario: 'following-my-place: A place may be followed on two streams at once, over every queue server, and no more' }],
  },
  {
    promise: 'QUEUE_STREAM_LIMIT streams per queue server (40 in the suite)',
    source: 'docs/guarantees.md',
    probes: [{ at: 'filled to the limit, the next refused (503)', scenario: 'following-my-place: A queue server serving as many streams as it may refuses another, and says when to try again' }],
  },
  {
    promise: 'READY pushed within 1 s of admission',
    source: 'docs/api.md',
    probes: [{ at: 'timed against polls every 50 ms', scenario: 'following-my-place: A fan following her place live is told within a second that she is let in, then that she is shopping, and the stream ends' }],
  },
  {
    promise: 'readyTtlSeconds',
    source: 'docs/api.md, docs/guarantees.md',
    probes: [
      { at: 'just after, the read alone (promoters stalled)', scenario: 'stalled-promoters: A fan let in who does not start shopping in time is turned away at her deadline, with no promoter running' },
      { at: 'with nobody calling: within one promoter interval', scenario: 'token-expiry: Unused turns end within a promoter interval of their deadline while nobody is looking' },
    ],
    gap: 'just before is not timed for this deadline (the session cap below is; the same comparison in lua/lib/common.lua decides both)',
  },
  {
    promise: 'activeIdleSeconds, slid by every box-office call',
    source: 'docs/api.md, docs/guarantees.md',
    probes: [
      { at: 'just before, again and again: a look every half second keeps a 2 s turn', scenario: 'token-expiry: Every call at the box office keeps a shopper\'s turn alive' },
      { at: 'just after, the read alone (promoters stalled)', scenario: 'stalled-promoters: A shopper idle past her deadline is turned away by the box office, with no promoter running' },
    ],
  },
  {
    promise: 'sessionSeconds, moved on by at most maxExtensions extensions',
    source: 'docs/api.md',
    probes: [
      { at: 'served until its last second, refused within 1.5 s after', scenario: "shopping-sessions: The session cap ends a busy shopper's turn" },
      { at: 'the same, the read alone (promoters stalled)', scenario: 'stalled-promoters: A busy shopper is turned away at the end of her session, with no promoter running' },
      { at: 'the last extension allowed, the one after refused', scenario: 'shopping-sessions: A shopper extends her turn as often as the concert allows, and no more' },
      { at: 'the budget after a refused extension', scenario: 'shopping-sessions: A refused extension costs the shopper nothing' },
      { at: 'the defaults (600 s, 2 extensions) when the concert sets neither: the second extension granted, the third refused', scenario: 'shopping-sessions: A concert that sets no session limits gives a shopper ten-minute sessions and two extensions' },
    ],
  },
  {
    promise: 'holdSeconds',
    source: 'docs/api.md',
    probes: [
      { at: 'just after, the read alone (a payment under way keeps the sweep off)', scenario: 'hold-expiry: A seat whose hold ran out is on sale again at once, before any sweep' },
      { at: 'with nobody looking: the sweep alone', scenario: 'hold-expiry: A hold runs out even when nobody is looking' },
      { at: 'a payment that outlasts the hold', scenario: 'hold-expiry: A hold that runs out while the payment is being taken is not booked' },
    ],
    gap: 'how long after the deadline the sweep acts is not bounded by the contract, so not measured',
  },
  {
    promise: 'the expiry promoter: within one PROMOTER_INTERVAL_MS with nobody calling',
    source: 'docs/guarantees.md',
    probes: [{ at: 'lateness of 4 successive turns against the interval the servers publish', scenario: 'token-expiry: Unused turns end within a promoter interval of their deadline while nobody is looking' }],
  },
  {
    promise: 'the payment timeout (2 s): rolled back, the late charge voided',
    source: 'docs/api.md, docs/core.md',
    probes: [
      { at: 'a provider answering in 1 s: taken', scenario: 'payment-idempotency: Two payments for one reservation at once: one is taken, the other is told it is in progress' },
      { at: 'a provider answering after 3 s: 504, voided', scenario: 'payment-rollback: A payment the provider answers too late is rolled back and the late charge voided' },
    ],
  },
  {
    promise: 'queue calls answered within 1.5 s; a failover over within seconds',
    source: 'docs/api.md, docs/guarantees.md',
    probes: [{ at: 'every answer within 2 s during a failover', scenario: 'redis-master-failure: The master dies while fans are entering and polling' }],
  },
  {
    promise: 'no acknowledged entry lost (durable writes)',
    source: 'docs/guarantees.md',
    probes: [
      { at: 'a plain crash: replication keeps up', scenario: 'redis-master-failure: The master dies while fans are entering and polling' },
      { at: 'the replication link cut first: the durable WAIT alone', scenario: 'redis-master-failure: The master dies after its replica was cut off, while fans are entering and polling' },
    ],
  },
];
