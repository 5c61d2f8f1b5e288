@database @gateway-control
Feature: Paying exactly once
  A fan's app sends each payment with its own key. Sending it again, even twice at once, gives
  the first answer and never charges twice.

  Background:
    Given a concert with 10 seats is on sale
    And Alice has been let in and is active
    And Alice holds seat A1

  Scenario: A double click on "pay" charges once
    Given the payment provider takes a moment to answer
    When Alice submits the same payment twice at the same instant
    Then both answers report the same completed payment
    And Alice was charged once, at the seat's price

  Scenario: Sending a payment again after it completed returns the same payment
    When Alice pays for her reservation with payment key "k-1"
    And Alice pays for her reservation with payment key "k-1" again
    Then both answers report the same completed payment
    And Alice was charged once, at the seat's price

  Scenario: A payment key cannot be reused for a different reservation
    Given the payment provider declines payments
    And Alice pays for her reservation with payment key "k-1"
    And Alice reserves seat A2
    When Alice pays for her reservation with payment key "k-1"
    Then the payment is refused because the key was used for another payment
    And Alice's reservation is HELD
    And nothing was charged

  Scenario: A payment without a key is refused and charges nothing
    When Alice pays for her reservation without a payment key
    Then the request is refused with 400 VALIDATION_FAILED
    And Alice's reservation is HELD
    And nothing was charged
