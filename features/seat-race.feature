@database
Feature: Racing for seats
  When many fans want the same seats at the same moment, every seat goes to exactly one fan and
  everyone else is told at once that it is taken.

  Scenario: Two fans reserve the same seat at the same instant
    Given a concert with 100 seats is on sale
    And Alice has been let in and is active
    And Bob has been let in and is active
    When Alice and Bob reserve seat A1 at the same instant
    Then exactly one of them holds seat A1 and the other is told it is unavailable
    And seat A1 is HELD

  Scenario: Fifty fans race for ten seats
    Given a concert with 10 seats is on sale
    And 50 fans have been let in and are active
    When the 50 fans each reserve one of the 10 seats at the same instant
    Then exactly 10 fans hold a seat and the other 40 are told it is unavailable
    And no seat is held by more than one fan
    And every seat of the concert is HELD
