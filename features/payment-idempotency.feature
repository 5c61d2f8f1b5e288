@database @gateway-control
Feature: Paying exactly once
  A fan's app sends each payment with its own key. Sending it again, even twice at once, gives
  the first answer and never charges twice; a key belongs to the fan who used it.

  Background:
    Given a concert with 10 seats is on sale
    And Alice has started shopping
    And Alice reserves seat A1

  Scenario: A double click on "pay" charges once
    Given the payment provider takes 0.3 seconds to answer
    When Alice submits the same payment twice at the same instant
    Then both answers report the same completed payment
    And Alice was charged once, at the seat's price

  Scenario: Sending a payment again after it completed returns the same payment
    When Alice tries to pay for her reservation with payment key "k-1"
    And Alice tries to pay for her reservation with payment key "k-1" again
    Then both answers report the same completed payment
    And Alice was charged once, at the seat's price

  Scenario: Two payments for one reservation at once: one is taken, the other is told it is in progress
    Given the payment provider takes 1 second to answer
    When Alice submits two different payments at the same instant
    Then one payment is completed and the other is refused with 409 PAYMENT_IN_PROGRESS
    And Alice was charged once, at the seat's price

  Scenario: A payment key cannot be reused for a different reservation
    Given the payment provider declines payments
    And Alice tries to pay for her reservation with payment key "k-1"
    And Alice reserves seat A2
    When Alice tries to pay for her reservation with payment key "k-1"
    Then the request is refused with 422 IDEMPOTENCY_KEY_REUSED
    And Alice's reservation is HELD
    And nothing was charged

  Scenario: Two fans may use the same payment key: each pays for her own seat
    Given Bob has started shopping
    And Bob reserves seat A2
    When Alice tries to pay for her reservation with payment key "k-1"
    And Bob tries to pay for his reservation with payment key "k-1"
    Then Alice and Bob each paid for their own reservation, at its seat's price

  Scenario: A payment without a key is refused and charges nothing
    When Alice tries to pay for her reservation without a payment key
    Then the request is refused with 400 VALIDATION_FAILED
    And Alice's reservation is HELD
    And nothing was charged
