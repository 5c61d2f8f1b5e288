@database
Feature: Racing for seats
  When many fans want the same seats at the same moment, every seat goes to exactly one fan and
  everyone else is told at once that it is taken.

  Scenario: Two fans reserve the same seat at the same instant
    Given a concert with 100 seats is on sale
    And Alice has started shopping
    And Bob has started shopping
    When Alice and Bob race for 1 seat at the same instant
    Then exactly 1 fan holds a seat and the other 1 is told it is unavailable
    And no seat is held by more than one fan
    And seat A1 is HELD

  Scenario: Fifty fans race for ten seats
    Given a concert with 10 seats is on sale
    And 50 fans have started shopping
    When the 50 fans race for 10 seats at the same instant
    Then exactly 10 fans hold a seat and the other 40 are told it is unavailable
    And no seat is held by more than one fan
    And every seat of the concert is HELD
