/**
 * Which scenarios prove which promise. Each entry claims the documented promises whose text
 * contains `claims` (test/coverage/promises-in-docs.ts reads them from docs/api.md and
 * docs/guarantees.md) and names the scenarios ("<feature file>: <scenario name>") that fail
 * when it breaks; test/mutants/ holds a planted defect for every `id` a mutant names.
 * docs/coverage.md is rendered from this list (`npm run coverage`), and
 * test/suite/coverage.test.ts fails when a documented promise has no entry, an entry no
 * scenario, or a scenario does not exist.
 */
export type Proof = {
  id: string;
  claims: string;
  scenarios: string[];
  note?: string;
  /** A promise of the contract whose scenarios are still being written, and by whom: no scenarios yet, shown as not proved. */
  awaiting?: string;
};

const access = 'booking-access: A fan who <situation> cannot use the box office';
const counterfeits = 'token-security: <counterfeit> is refused everywhere and changes nothing';

export const proofs: Proof[] = [
  // ---- docs/api.md: the whole contract ------------------------------------------------------
  { id: 'errors-and-validation', claims: 'All bodies are JSON. Every error is', scenarios: ['entering-the-queue: Entering with <problem> is refused and changes nothing', 'booking-validation: A reservation request <problem> is refused and reserves nothing', 'booking-flow: The price is the seat\'s, whatever the fan\'s app claims'], note: 'every answer is checked against its shape (support/driver/schemas.ts); unknown fields: the claimed price' },

  // Queue service
  { id: 'enter-new', claims: 'POST /api/v1/queue/enter → 201', scenarios: ['entering-the-queue: A fan who enters is told their place in the queue'] },
  { id: 'enter-again', claims: 'POST /api/v1/queue/enter → 200', scenarios: ['entering-the-queue: Entering again keeps the same place and token'] },
  { id: 'enter-invalid', claims: 'POST /api/v1/queue/enter → 400 VALIDATION_FAILED', scenarios: ['entering-the-queue: Entering with <problem> is refused and changes nothing'] },
  { id: 'enter-unknown-concert', claims: 'POST /api/v1/queue/enter → 404 CONCERT_NOT_FOUND', scenarios: ['entering-the-queue: A concert that is not on sale has no waiting room'] },
  { id: 'status', claims: 'GET /api/v1/queue/status → 200', scenarios: ['entering-the-queue: The answer says how many wait, how long the wait may be and when to ask again', 'entering-the-queue: Fans keep the order in which they arrived'] },
  { id: 'status-no-token', claims: 'GET /api/v1/queue/status → 401 TOKEN_MISSING', scenarios: [counterfeits] },
  { id: 'status-bad-token', claims: 'GET /api/v1/queue/status → 401 TOKEN_INVALID', scenarios: [counterfeits] },
  { id: 'status-expired', claims: 'GET /api/v1/queue/status → 410 TOKEN_EXPIRED', scenarios: ['leaving-the-queue: A fan who leaves frees their place for the next fan', 'token-expiry: A shopper who stays idle loses the turn'] },
  { id: 'activate', claims: 'POST /api/v1/queue/activate → 200', scenarios: ['admission: A fan who is let in starts shopping, and starting again changes nothing'] },
  { id: 'activate-bad-token', claims: 'POST /api/v1/queue/activate → 401', scenarios: [counterfeits] },
  { id: 'activate-not-ready', claims: 'POST /api/v1/queue/activate → 409 NOT_READY', scenarios: ['admission: A fan who is still waiting cannot start shopping'] },
  { id: 'activate-expired', claims: 'POST /api/v1/queue/activate → 410 TOKEN_EXPIRED', scenarios: ['token-expiry: A fan who does not start shopping in time loses the turn to the next fan'] },
  { id: 'leave', claims: 'DELETE /api/v1/queue/token → 204', scenarios: ['leaving-the-queue: A fan who leaves frees their place for the next fan'] },
  { id: 'leave-bad-token', claims: 'DELETE /api/v1/queue/token → 401', scenarios: [counterfeits] },
  { id: 'leave-twice', claims: 'DELETE /api/v1/queue/token → 410 TOKEN_EXPIRED', scenarios: ['leaving-the-queue: Leaving twice'] },
  { id: 'expiry-sliding', claims: 'status is WAITING (in the wait queue), READY', scenarios: ['token-expiry: Every call at the box office keeps a shopper\'s turn alive', 'admission: A fan who is let in starts shopping, and starting again changes nothing'] },
  { id: 'positions', claims: 'position is 1-based among waiting users', scenarios: ['leaving-the-queue: When a waiting fan leaves, everyone behind moves up and nobody else is touched', 'admission: Fans are let in strictly in the order they arrived'] },
  { id: 're-entry', claims: 'Re-entry with the same (concertId, userId)', scenarios: ['entering-the-queue: Entering again keeps the same place and token', 'leaving-the-queue: A fan who left and comes back starts at the back with a new token', 'token-expiry: A fan whose turn expired starts again at the back with a new token'] },
  { id: 'tokens-bound', claims: 'Tokens are opaque to clients, unforgeable', scenarios: [counterfeits] },
  { id: 'tokens-end', claims: 'A token that expired, exited, or finished its booking', scenarios: ['leaving-the-queue: A fan who left and comes back starts at the back with a new token', 'booking-flow: A fan goes from the queue to a confirmed booking, and the next fan gets their turn', 'token-expiry: A fan who does not start shopping in time loses the turn to the next fan'] },

  // Core service
  { id: 'core-access', claims: 'All calls carry X-Queue-Token of an ACTIVE entry for the same concert', scenarios: [access, 'booking-access: A turn for one concert does not open another', counterfeits] },
  { id: 'seats', claims: 'GET /api/v1/concerts/{concertId}/seats → 200', scenarios: ['booking-flow: A fan goes from the queue to a confirmed booking, and the next fan gets their turn', 'concert-setup: A new concert has its seats labelled in rows of ten, all available'] },
  { id: 'seats-unknown-concert', claims: 'GET /api/v1/concerts/{concertId}/seats → 404 CONCERT_NOT_FOUND', scenarios: ['booking-access: A turn for one concert does not open another'], note: 'a token names its concert, so asking for another one is refused first (403); the 404 needs a token for a concert without seats, which the contract does not allow' },
  { id: 'reserve', claims: 'POST /api/v1/reservations → 201', scenarios: ['booking-flow: A fan goes from the queue to a confirmed booking, and the next fan gets their turn', 'booking-flow: The price is the seat\'s, whatever the fan\'s app claims'] },
  { id: 'reserve-again', claims: 'POST /api/v1/reservations → 200', scenarios: ['booking-access: A fan holds only one seat at a time'] },
  { id: 'reserve-unknown-seat', claims: 'POST /api/v1/reservations → 404 SEAT_NOT_FOUND', scenarios: ['booking-validation: Reserving a seat the concert does not have'] },
  { id: 'reserve-taken', claims: 'POST /api/v1/reservations → 409 SEAT_UNAVAILABLE', scenarios: ['seat-race: Two fans reserve the same seat at the same instant', 'sold-out: A fan arriving after the last seat was sold cannot reserve one'] },
  { id: 'reserve-one-at-a-time', claims: 'POST /api/v1/reservations → 409 RESERVATION_LIMIT', scenarios: ['booking-access: A fan holds only one seat at a time'] },
  { id: 'reservation', claims: 'GET /api/v1/reservations/{reservationId} → 200', scenarios: ['hold-expiry: An unpaid hold runs out and the seat returns to sale'] },
  { id: 'reservation-not-yours', claims: 'GET /api/v1/reservations/{reservationId} → 404 RESERVATION_NOT_FOUND', scenarios: ["booking-access: A fan cannot read or pay for another fan's reservation", 'booking-access: A reservation for one concert cannot be read or paid for with a turn for another', 'booking-validation: Asking about a reservation that does not exist'] },
  { id: 'pay', claims: 'POST /api/v1/payments → 201', scenarios: ['booking-flow: A fan goes from the queue to a confirmed booking, and the next fan gets their turn'] },
  { id: 'pay-declined', claims: 'POST /api/v1/payments → 402 PAYMENT_DECLINED', scenarios: ['payment-rollback: A declined payment releases the seat, and the fan can reserve and pay again'] },
  { id: 'pay-timeout', claims: 'POST /api/v1/payments → 504 PAYMENT_TIMEOUT', scenarios: ['payment-rollback: A payment the provider answers too late is rolled back and the late charge voided'] },
  { id: 'pay-hold-expired', claims: 'POST /api/v1/payments → 409 RESERVATION_EXPIRED', scenarios: ['hold-expiry: An unpaid hold runs out and the seat returns to sale', 'hold-expiry: A hold that runs out while the payment is being taken is not booked'] },
  { id: 'pay-not-held', claims: 'POST /api/v1/payments → 409 RESERVATION_NOT_HELD', scenarios: ['payment-rollback: A declined payment releases the seat, and the fan can reserve and pay again'] },
  { id: 'pay-key-reused', claims: 'POST /api/v1/payments → 422 IDEMPOTENCY_KEY_REUSED', scenarios: ['payment-idempotency: A payment key cannot be reused for a different reservation'] },
  { id: 'hold-expiry', claims: 'A hold lasts holdSeconds', scenarios: ['hold-expiry: An unpaid hold runs out and the seat returns to sale', 'hold-expiry: A hold runs out even when nobody is looking', 'hold-expiry: Another fan can take a seat whose hold ran out', 'payment-rollback: A declined payment releases the seat, and the fan can reserve and pay again'] },
  { id: 'rollback', claims: 'A declined or timed-out payment rolls back completely', scenarios: ['payment-rollback: A declined payment releases the seat, and the fan can reserve and pay again', 'payment-rollback: A payment the provider answers too late is rolled back and the late charge voided'] },
  { id: 'idempotent-payment', claims: 'A repeated POST /api/v1/payments with the same Idempotency-Key', scenarios: ['payment-idempotency: A double click on "pay" charges once', 'payment-idempotency: Sending a payment again after it completed returns the same payment'] },
  { id: 'booking-completes', claims: 'A completed payment makes the reservation CONFIRMED', scenarios: ['booking-flow: A fan goes from the queue to a confirmed booking, and the next fan gets their turn'] },
  { id: 'no-double-hold', claims: 'No seat is ever held or sold to two users.', scenarios: ['seat-race: Two fans reserve the same seat at the same instant', 'seat-race: Fifty fans race for ten seats', 'sold-out: A fan arriving after the last seat was sold cannot reserve one'] },
  { id: 'payment-details', claims: 'Beyond the fixed codes above, this implementation also answers', scenarios: ['payment-idempotency: A payment without a key is refused and charges nothing', "booking-access: A fan cannot read or pay for another fan's reservation", 'payment-idempotency: Two payments for one reservation at once: one is taken, the other is told it is in progress', 'payment-rollback: A payment the provider fails on is rolled back', 'payment-idempotency: Two fans may use the same payment key: each pays for her own seat', 'payment-idempotency: Sending a payment again after it completed returns the same payment', 'booking-flow: The price is the seat\'s, whatever the fan\'s app claims'], note: '503 while PostgreSQL or Redis cannot answer: faults/database-restart, faults/redis-master-failure; the reference of each charge: "was charged once"' },

  // Admin
  { id: 'admin-key', claims: 'Admin (header Authorization: Bearer', scenarios: ['queue-administration: Someone with <credentials> cannot <action>, and nothing changes'] },
  { id: 'admin-served-by-owner', claims: 'Each admin call is served by the service that owns the data', scenarios: ['several-instances: An operator\'s change through one server holds on every server', 'concert-setup: A new concert has its seats labelled in rows of ten, all available', 'queue-administration: The operator cannot <action> for a concert that is not on sale'] },
  { id: 'concert-created', claims: 'POST /admin/concerts → 201', scenarios: ['concert-setup: A new concert has its seats labelled in rows of ten, all available', 'concert-setup: A concert with <problem> is refused and nothing is created'] },
  { id: 'concert-exists', claims: 'POST /admin/concerts → 409 CONCERT_EXISTS', scenarios: ['concert-setup: The same concert cannot be put on sale twice'] },
  { id: 'policy', claims: 'PUT /admin/concerts/{concertId}/queue-policy → 200', scenarios: ['queue-administration: An operator changes the policy and gets the whole effective policy back', 'admission: Only as many fans as the concert allows are let in at once', 'admission: A fan who is shopping counts against the limit until she leaves', 'admission: Fans are let in no faster than the waiting room admits them', 'token-expiry: A fan who does not start shopping in time loses the turn to the next fan', 'token-expiry: A shopper who stays idle loses the turn', 'hold-expiry: An unpaid hold runs out and the seat returns to sale'], note: 'each field changes behaviour: activeLimit, admitPerSecond, readyTtlSeconds, activeIdleSeconds, holdSeconds, in that order' },
  { id: 'sale-already-started', claims: 'PUT /admin/concerts/{concertId}/queue-policy → 409 SALE_ALREADY_STARTED', scenarios: ['scheduled-sale: A sale that started cannot be moved into the future, where its public draw would decide'] },
  { id: 'policy-invalid', claims: 'PUT /admin/concerts/{concertId}/queue-policy → 400 VALIDATION_FAILED', scenarios: ['queue-administration: A policy change with <change> is refused and changes nothing'] },
  { id: 'pause', claims: 'POST /admin/concerts/{concertId}/queue/pause → 204', scenarios: ['queue-administration: While admission is paused nobody is let in, and resuming lets fans in again'] },
  { id: 'stats', claims: 'GET /admin/concerts/{concertId}/queue → 200', scenarios: ['queue-administration: The statistics count entries and every way a place ends', 'admission: Only as many fans as the concert allows are let in at once'] },

  // [room] additions (v1.1)
  { id: 'sse-stream', claims: 'GET /api/v1/queue/events → 200', scenarios: ['following-my-place: A fan following her place live is told within a second that she is let in, then that she is shopping, and the stream ends', 'following-my-place: A browser\'s stream carries the token in the address, and no log shows it'], note: 'heartbeats, retry:, position pushes at most once a second, shutdown: test/queue/status-stream.test.ts' },
  { id: 'sse-per-entry-limit', claims: 'GET /api/v1/queue/events → 429 RATE_LIMITED', scenarios: ['following-my-place: A place may be followed on two streams at once, over every queue server, and no more'] },
  { id: 'sse-instance-limit', claims: 'GET /api/v1/queue/events → 503 SERVICE_UNAVAILABLE', scenarios: ['following-my-place: A queue server serving as many streams as it may refuses another, and says when to try again'], note: 'the suite\'s managed target runs with QUEUE_STREAM_LIMIT=40' },
  { id: 'sse-ready-within-a-second', claims: 'A fan on a stream learns that they are READY within 1 s', scenarios: ['following-my-place: A fan following her place live is told within a second that she is let in, then that she is shopping, and the stream ends'] },
  { id: 'sse-any-instance', claims: 'Streams of one entry may be served by any instance', scenarios: ['following-my-place: A fan following her place live is told within a second that she is let in, then that she is shopping, and the stream ends', 'following-my-place: A place may be followed on two streams at once, over every queue server, and no more', 'queue-instance-crash: A fan following her place live on a queue server that crashes follows it again through another, in the same place'], note: 'an instance that ends its streams at shutdown: test/queue/status-stream.test.ts' },
  { id: 'session-cap', claims: 'An ACTIVE turn ends at the earlier of its idle deadline', scenarios: ["shopping-sessions: The session cap ends a busy shopper's turn", 'shopping-sessions: A shopper extends her turn as often as the concert allows, and no more'] },
  { id: 'extend', claims: 'POST /api/v1/queue/extend (header X-Queue-Token) → 200', scenarios: ['shopping-sessions: A shopper extends her turn as often as the concert allows, and no more', 'shopping-sessions: Only a shopper can extend her turn', counterfeits, "token-expiry: A shopper who stays idle loses the turn"], note: '401 and 410: extend is among the calls a counterfeit or dead token is refused by' },
  { id: 'queue-not-open', claims: 'Before preQueueOpensAt: POST /enter → 409 QUEUE_NOT_OPEN', scenarios: ['scheduled-sale: Before the pre-queue opens nobody can enter, and a fan is told when it opens'] },
  { id: 'pre-queue-entry', claims: 'From preQueueOpensAt until saleStartsAt: POST /enter → 201', scenarios: ['scheduled-sale: Before the pre-queue opens nobody can enter, and a fan is told when it opens', 'scheduled-sale: Nobody is let in before the sale starts; at the start the pre-queue is let in'] },
  { id: 'pre-queue-draw', claims: 'At saleStartsAt every pre-queued fan becomes WAITING', scenarios: ['scheduled-sale: The pre-queue waits in the order of the published draw, not the order of arrival', 'scheduled-sale: Fans who come after the start queue behind every fan of the pre-queue', 'scheduled-sale: A burst of fans at the instant the sale starts is served without an error'], note: 'the 5 ms bound with 300,000 pre-queued: npm run load -- sale-opening' },
  { id: 'draw-audit', claims: 'The draw can be audited', scenarios: ['scheduled-sale: The pre-queue waits in the order of the published draw, not the order of arrival', 'scheduled-sale: Before the pre-queue opens nobody can enter, and a fan is told when it opens'], note: 'preQueued: the statistics step' },

  // The payment gateway stub: the scenarios steer and read it
  { id: 'gateway-charge', claims: 'POST /charges → 201', scenarios: ['booking-flow: A fan goes from the queue to a confirmed booking, and the next fan gets their turn'] },
  { id: 'gateway-decline', claims: 'POST /charges → 402', scenarios: ['payment-rollback: A declined payment releases the seat, and the fan can reserve and pay again'] },
  { id: 'gateway-void', claims: 'POST /charges/{chargeId}/void', scenarios: ['hold-expiry: A hold that runs out while the payment is being taken is not booked'] },
  { id: 'gateway-behaviour', claims: 'PUT /__control/behavior', scenarios: ['payment-rollback: A payment the provider fails on is rolled back'] },
  { id: 'gateway-charges', claims: 'GET /__control/charges', scenarios: ['payment-rollback: A payment the provider fails on is rolled back'] },
  { id: 'gateway-lookup', claims: 'GET /charges?reference=', scenarios: ['payment-rollback: A payment the provider answers too late is rolled back and the late charge voided'] },

  // Overload, outages, operations
  { id: 'rate-limits', claims: 'answer 429 RATE_LIMITED with a', scenarios: ['abuse-limits: A fan who enters too often is told when to retry', 'abuse-limits: A fan who checks her place too often is told when to retry', 'abuse-limits: Each queue server keeps its own count'] },
  { id: 'outages', claims: 'Any call may answer 503 SERVICE_UNAVAILABLE', scenarios: ['redis-master-failure: The master dies while fans are entering and polling', 'database-restart: Buyers keep booking through a PostgreSQL restart'] },
  { id: 'method-and-size', claims: 'A method a path does not support is 405', scenarios: ['unusual-requests: A request to <request> <problem> is refused'] },
  { id: 'health-and-metrics', claims: 'GET /health/live, GET /health/ready', scenarios: ['queue-monitoring: Every queue server reports it is alive and ready to serve', 'queue-monitoring: The monitoring figures follow what happens in the queue', "box-office-monitoring: The core service's monitoring figures count what the buyers and the payment provider did"] },

  // ---- docs/guarantees.md ------------------------------------------------------------------
  { id: 'no-oversell', claims: 'No oversell', scenarios: ['seat-race: Two fans reserve the same seat at the same instant', 'seat-race: Fifty fans race for ten seats', 'sold-out: A fan arriving after the last seat was sold cannot reserve one'] },
  { id: 'no-double-charge', claims: 'No double charge', scenarios: ['payment-idempotency: A double click on "pay" charges once', 'payment-idempotency: Sending a payment again after it completed returns the same payment', 'payment-idempotency: Two payments for one reservation at once: one is taken, the other is told it is in progress'] },
  { id: 'no-half-booking', claims: 'No half booking', scenarios: ['database-restart: Buyers keep booking through a PostgreSQL restart', 'hold-expiry: A hold that runs out while the payment is being taken is not booked', 'booking-flow: A fan goes from the queue to a confirmed booking, and the next fan gets their turn'] },
  { id: 'full-rollback', claims: 'A failed or timed-out payment rolls back completely (', scenarios: ['payment-rollback: A declined payment releases the seat, and the fan can reserve and pay again', 'payment-rollback: A payment the provider answers too late is rolled back and the late charge voided', 'payment-rollback: A payment the provider fails on is rolled back'] },
  { id: 'first-come-first-served', claims: 'First come, first served', scenarios: ['entering-the-queue: Fans keep the order in which they arrived', 'entering-the-queue: Fans who arrive in the same instant keep the order they were told', 'admission: Fans are let in strictly in the order they arrived', 'several-instances: The servers together never let in more fans than allowed, nor out of order'] },
  { id: 'expiry-bounds', claims: 'Expiry bounds', scenarios: ['token-expiry: A fan who does not start shopping in time loses the turn to the next fan', 'token-expiry: A shopper who stays idle loses the turn', 'token-expiry: Unused turns expire and free their place while nobody is looking'] },
  { id: 'unforgeable-tokens', claims: 'Tokens are unforgeable and bound', scenarios: [counterfeits, 'booking-access: A turn for one concert does not open another', 'leaving-the-queue: A fan who left and comes back starts at the back with a new token'] },
  { id: 'operators-key', claims: "Operator functions need the operators' key", scenarios: ['queue-administration: Someone with <credentials> cannot <action>, and nothing changes'] },
  { id: 'secrets-out-of-logs', claims: 'Secrets stay out of logs and reports', scenarios: ['queue-monitoring: The service logs never show a fan\'s token or the operators\' key'], note: 'and every run scans reports/ and the logs (scripts/secret-scan.ts)' },
  { id: 'bad-input', claims: 'Bad input is a clear 4xx', scenarios: ['entering-the-queue: Entering with <problem> is refused and changes nothing', 'booking-validation: A reservation request <problem> is refused and reserves nothing', 'queue-administration: A policy change with <change> is refused and changes nothing', 'concert-setup: A concert with <problem> is refused and nothing is created', 'unusual-requests: A request to <request> <problem> is refused'], note: 'and test/fuzz: 5,000 generated malformed requests' },
  { id: 'status-pushed', claims: 'Status pushed, not polled', scenarios: ['following-my-place: A fan following her place live is told within a second that she is let in, then that she is shopping, and the stream ends', 'following-my-place: A place may be followed on two streams at once, over every queue server, and no more'], note: 'heartbeats, position pace, the instance limit, shutdown: test/queue/status-stream.test.ts' },
  { id: 'abuse-throttled', claims: 'Abuse is throttled', scenarios: ['abuse-limits: A fan who enters too often is told when to retry', 'abuse-limits: A fan who checks her place too often is told when to retry', 'abuse-limits: Each queue server keeps its own count'] },
  { id: 'redis-master-dies', claims: 'A Redis master dies', scenarios: ['redis-master-failure: The master dies while fans are entering and polling'] },
  { id: 'no-acknowledged-entry-lost', claims: 'No fan told "you are in the queue"', scenarios: ['redis-master-failure: The master dies while fans are entering and polling', 'redis-replica-silent: A fan is not told she has a place that no replica holds'], note: 'and npm run measure:failover-loss' },
  { id: 'what-a-failover-can-lose', claims: 'What a failover can lose', scenarios: ['redis-master-failure: The master dies while fans are entering and polling'], note: 'the loss without durable writes is measured (npm run measure:failover-loss), not a scenario: the suite runs with durable writes' },
  { id: 'sale-opening', claims: 'A sale opens right after start-up', scenarios: ['entering-the-queue: Fans who arrive in the same instant keep the order they were told'], note: 'at start-up itself: test/queue/opening-burst.test.ts and npm run measure:opening-burst ([room])' },
  { id: 'database-restarts', claims: 'PostgreSQL restarts during bookings', scenarios: ['database-restart: Buyers keep booking through a PostgreSQL restart'] },
  { id: 'session-cap-guarantee', claims: 'A shopping turn has a session cap', scenarios: ["shopping-sessions: The session cap ends a busy shopper's turn", 'shopping-sessions: A shopper extends her turn as often as the concert allows, and no more'] },
  { id: 'fair-draw', claims: "A scheduled sale's pre-queue is drawn fairly", scenarios: ['scheduled-sale: The pre-queue waits in the order of the published draw, not the order of arrival', 'scheduled-sale: Fans who come after the start queue behind every fan of the pre-queue', 'scheduled-sale: Nobody is let in before the sale starts; at the start the pre-queue is let in', 'scheduled-sale: Before the pre-queue opens nobody can enter, and a fan is told when it opens'] },
  { id: 'draw-auditable', claims: 'The draw can be audited: from the moment a sale start', scenarios: ['scheduled-sale: The pre-queue waits in the order of the published draw, not the order of arrival'] },
  { id: 'opening-moves-nothing', claims: 'Opening a sale moves nothing', scenarios: ['scheduled-sale: A burst of fans at the instant the sale starts is served without an error'], note: 'the Redis time of the opening step: npm run load -- sale-opening' },
  { id: 'queue-server-crashes', claims: 'A queue instance crashes', scenarios: ['queue-instance-crash: The surviving queue servers serve every fan and admission goes on', 'queue-instance-crash: A fan following her place live on a queue server that crashes follows it again through another, in the same place'] },
  { id: 'lossy-database-link', claims: 'Packet loss between the core service and PostgreSQL', scenarios: ['network-faults: Bookings go on through 20 % packet loss between the core service and PostgreSQL'] },
  { id: 'queue-cut-from-redis', claims: 'A queue instance is cut off from Redis', scenarios: ['network-faults: A queue server cut off from Redis answers "try again" at once, the other serves everyone, and it recovers by itself'] },
  { id: 'throttled-gateway-link', claims: "The payment gateway's link is throttled", scenarios: ['network-faults: A payment whose answer a throttled link delays past our timeout is rolled back, and the late charge voided'] },
];
