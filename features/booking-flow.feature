@database @gateway-control
Feature: Booking a seat
  A fan who has been let in picks a seat, holds it while paying, and the seat is theirs at its
  price. Their turn then ends and the next fan in the queue is let in.

  @smoke
  Scenario: A fan goes from the queue to a confirmed booking, and the next fan gets their turn
    Given a concert with 100 seats is on sale
    And the waiting room lets at most 1 fan in at a time
    When Alice enters the queue
    And Alice is let in
    And Alice starts shopping
    Then Alice sees 100 seats, all AVAILABLE
    When Alice reserves seat A1
    Then Alice holds seat A1 at the seat's price
    And Alice sees seat A1 as HELD
    When Bob enters the queue
    Then Bob is WAITING at position 1
    When Alice pays for her reservation
    Then the payment is completed at the seat's price
    And Alice's reservation is CONFIRMED
    And seat A1 is SOLD
    And Alice was charged once, at the seat's price
    And Alice's token is refused everywhere as expired
    And Bob is let in
    When Bob starts shopping
    Then Bob sees seat A1 as SOLD

  Scenario: The price is the seat's, whatever the fan's app claims
    Given a concert with 10 seats is on sale
    And Alice has started shopping
    When Alice reserves seat A1, claiming it costs 1
    Then Alice holds seat A1 at the seat's price
    When Alice pays for her reservation, claiming it costs 1
    Then the payment is completed at the seat's price
    And Alice was charged once, at the seat's price
