@database @gateway-control
Feature: Payments that fail are rolled back
  A payment that is declined, fails or gets no answer in time leaves no trace: no money taken,
  the reservation cancelled and the seat back on sale. A charge the provider makes after we gave
  up is voided.

  Background:
    Given a concert with 10 seats is on sale
    And Alice has been let in and is active
    And Alice holds seat A1

  Scenario: A declined payment releases the seat, and the fan can reserve and pay again
    Given the payment provider declines payments
    When Alice pays for her reservation
    Then the payment is declined
    And Alice's reservation is CANCELLED
    And seat A1 is AVAILABLE
    And nothing was charged
    Given the payment provider approves payments
    When Alice reserves seat A1
    And Alice pays for her reservation
    Then the payment is completed at the seat's price
    And seat A1 is SOLD
    And Alice was charged once, at the seat's price

  Scenario: A payment the provider answers too late is rolled back and the late charge voided
    Given the payment provider answers only after we have given up
    When Alice pays for her reservation
    Then the payment times out
    And Alice's reservation is CANCELLED
    And seat A1 is AVAILABLE
    And the late charge is voided
    And nothing was charged

  Scenario: A payment the provider fails on is rolled back
    Given the payment provider fails payments
    When Alice pays for her reservation
    Then the payment fails at the provider
    And Alice's reservation is CANCELLED
    And seat A1 is AVAILABLE
    And nothing was charged
