@database
Feature: Sold out
  Once every seat is sold, nobody can reserve one, and everybody sees the concert sold out.

  Scenario: A fan arriving after the last seat was sold cannot reserve one
    Given a concert with 2 seats is on sale
    And Alice has bought seat A1
    And Bob has bought seat A2
    And Carol has started shopping
    Then Carol sees 2 seats, all SOLD
    When Carol tries to reserve seat A1
    Then the request is refused with 409 SEAT_UNAVAILABLE
    And seat A1 is SOLD
    And Alice's reservation is CONFIRMED
