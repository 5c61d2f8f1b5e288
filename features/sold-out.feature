@database
Feature: Sold out
  Once every seat is sold, nobody can reserve one, and everybody sees the concert sold out.

  Scenario: A fan arriving after the last seat was sold cannot reserve one
    Given a concert with 2 seats is on sale
    And Alice has bought seat A1
    And Bob has bought seat A2
    And Carol has been let in and is active
    Then Carol sees every seat as SOLD
    When Carol reserves seat A1
    Then the reservation is refused because the seat is unavailable
    And seat A1 is SOLD
    And Alice's reservation is CONFIRMED
