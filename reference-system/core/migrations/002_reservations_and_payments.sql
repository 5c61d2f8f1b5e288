-- Reservations (holds and bookings) and payments. The invariants that must survive any
-- concurrency live here, in the database, not in application code.

CREATE TABLE IF NOT EXISTS reservations (
  reservation_id  uuid PRIMARY KEY,
  concert_id      text NOT NULL,
  seat_id         text NOT NULL,
  user_id         text NOT NULL,
  status          text NOT NULL CHECK (status IN ('HELD', 'CONFIRMED', 'CANCELLED', 'EXPIRED')),
  -- The seat's price when the hold was taken: what a payment charges, never a client's figure.
  amount          integer NOT NULL CHECK (amount >= 0),
  held_at         timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  confirmed_at    timestamptz,
  -- When the reservation left HELD (confirmed, cancelled or expired).
  ended_at        timestamptz,
  FOREIGN KEY (concert_id, seat_id) REFERENCES seats (concert_id, seat_id),
  CONSTRAINT reservations_deadline_after_start CHECK (expires_at > held_at),
  -- A booking is confirmed only while its hold still runs: never on a lapsed hold.
  CONSTRAINT reservations_confirmed_within_hold CHECK (status <> 'CONFIRMED' OR (confirmed_at IS NOT NULL AND confirmed_at <= expires_at))
);

-- At most one live (HELD or CONFIRMED) reservation per seat: the rule that no seat is ever held
-- or sold twice. Cancelled and expired reservations fall out of the index, so the seat can be
-- reserved again.
CREATE UNIQUE INDEX IF NOT EXISTS reservations_one_live_per_seat
  ON reservations (concert_id, seat_id) WHERE status IN ('HELD', 'CONFIRMED');

-- At most one hold per user per concert.
CREATE UNIQUE INDEX IF NOT EXISTS reservations_one_hold_per_user
  ON reservations (concert_id, user_id) WHERE status = 'HELD';

-- The hold sweeper's work list.
CREATE INDEX IF NOT EXISTS reservations_hold_deadlines
  ON reservations (expires_at) WHERE status = 'HELD';

CREATE TABLE IF NOT EXISTS payments (
  payment_id       uuid PRIMARY KEY,
  concert_id       text NOT NULL,
  user_id          text NOT NULL,
  -- Scoped to the user: one client's key never collides with, or reveals, another's payment.
  idempotency_key  text NOT NULL,
  reservation_id   uuid NOT NULL REFERENCES reservations (reservation_id),
  amount           integer NOT NULL CHECK (amount >= 0),
  -- PENDING while the gateway is being asked; COMPLETED or FAILED once decided.
  status           text NOT NULL CHECK (status IN ('PENDING', 'COMPLETED', 'FAILED')),
  -- Why it ended: COMPLETED, DECLINED, TIMEOUT, GATEWAY_ERROR, RESERVATION_EXPIRED,
  -- RESERVATION_NOT_HELD, IN_PROGRESS (another payment held the reservation), ABANDONED.
  outcome          text,
  charge_id        text,
  charge_voided_at timestamptz,
  -- While set, the reconciler asks the gateway for charges made under this payment's reference
  -- (a late answer after our timeout) and voids them.
  reconcile_until  timestamptz,
  -- The answer given to the first request, returned again to every replay of the key.
  response_status  integer,
  response_body    jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz,
  UNIQUE (concert_id, user_id, idempotency_key),
  CONSTRAINT payments_finished_with_answer CHECK (status = 'PENDING' OR (response_status IS NOT NULL AND finished_at IS NOT NULL))
);

-- A reservation is paid for at most once, whatever keys clients use.
CREATE UNIQUE INDEX IF NOT EXISTS payments_one_completed_per_reservation
  ON payments (reservation_id) WHERE status = 'COMPLETED';

CREATE INDEX IF NOT EXISTS payments_to_reconcile
  ON payments (reconcile_until) WHERE reconcile_until IS NOT NULL;

CREATE INDEX IF NOT EXISTS payments_pending
  ON payments (created_at) WHERE status = 'PENDING';
