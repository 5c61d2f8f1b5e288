-- Concerts and their seats. A seat's price is fixed here: payments charge this, never a
-- client-supplied amount.
CREATE TABLE IF NOT EXISTS concerts (
  concert_id  text PRIMARY KEY,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS seats (
  concert_id  text NOT NULL REFERENCES concerts (concert_id),
  seat_id     text NOT NULL,
  label       text NOT NULL,
  price       integer NOT NULL CHECK (price >= 0),
  position    integer NOT NULL,
  PRIMARY KEY (concert_id, seat_id)
);
