@database @gateway-control
Feature: Holds run out
  A seat is held for a limited time. A hold that is not paid for in time runs out, and the seat
  goes back on sale, whether or not anybody is looking: a look works the deadline out itself, and
  a background sweep ends the holds nobody looks at.

  Background:
    Given a concert with 10 seats is on sale
    And seats are held for 1 second
    And Alice has started shopping

  Scenario: An unpaid hold runs out and the seat returns to sale
    When Alice reserves seat A1
    Then Alice sees seat A1 as HELD
    And Alice eventually sees seat A1 as AVAILABLE
    And Alice sees her reservation as EXPIRED
    When Alice tries to pay for her reservation
    Then the request is refused with 409 RESERVATION_EXPIRED
    And nothing was charged

  Scenario: A hold runs out even when nobody is looking
    When Alice reserves seat A1
    Then Alice's hold runs out without anyone asking

  # A payment under way locks its hold: the background sweep passes it by, so only a look that
  # works the deadline out itself shows the seat free. The provider answers after we give up.
  Scenario: A seat whose hold ran out is on sale again at once, before any sweep
    Given Bob has started shopping
    And the payment provider answers only after we have given up
    When Alice reserves seat A1
    And Alice sets off to pay for her reservation
    Then Bob sees seat A1 AVAILABLE once Alice's hold has run out, while it is still held on record
    And Alice's payment is refused with 504 PAYMENT_TIMEOUT
    And the late charge is voided
    And nothing was charged

  Scenario: Another fan can take a seat whose hold ran out
    Given Bob has started shopping
    When Alice reserves seat A1
    And Alice eventually sees seat A1 as AVAILABLE
    And Bob reserves seat A1
    Then Bob holds seat A1 at the seat's price

  Scenario: A hold that runs out while the payment is being taken is not booked
    Given the payment provider answers only after the hold has run out
    When Alice reserves seat A1
    And Alice tries to pay for her reservation
    Then the request is refused with 409 RESERVATION_EXPIRED
    And Alice's reservation is EXPIRED
    And seat A1 is AVAILABLE
    And the late charge is voided
    And nothing was charged
