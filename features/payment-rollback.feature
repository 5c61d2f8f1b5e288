@database @gateway-control
Feature: Payments that fail are rolled back
  A payment that is declined, fails or gets no answer in time leaves no trace: no money taken,
  the reservation cancelled and the seat back on sale. A charge the provider makes after we gave
  up is voided.

  Background:
    Given a concert with 10 seats is on sale
    And Alice has started shopping
    And Alice reserves seat A1

  Scenario: A declined payment releases the seat, and the fan can reserve and pay again
    Given the payment provider declines payments
    When Alice tries to pay for her reservation
    Then the request is refused with 402 PAYMENT_DECLINED
    And Alice's reservation is CANCELLED
    And seat A1 is AVAILABLE
    And nothing was charged
    When Alice tries to pay for her reservation
    Then the request is refused with 409 RESERVATION_NOT_HELD
    Given the payment provider approves payments
    When Alice reserves seat A1
    And Alice pays for her reservation
    Then the payment is completed at the seat's price
    And seat A1 is SOLD
    And Alice was charged once, at the seat's price

  Scenario: A payment the provider answers too late is rolled back and the late charge voided
    Given the payment provider answers only after we have given up
    When Alice tries to pay for her reservation
    Then the request is refused with 504 PAYMENT_TIMEOUT
    And Alice's reservation is CANCELLED
    And seat A1 is AVAILABLE
    And the late charge is voided
    And nothing was charged

  Scenario: A payment the provider fails on is rolled back
    Given the payment provider fails payments
    When Alice tries to pay for her reservation
    Then the request is refused with 502 PAYMENT_GATEWAY_ERROR
    And Alice's reservation is CANCELLED
    And seat A1 is AVAILABLE
    And nothing was charged
