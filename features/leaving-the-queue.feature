Feature: Leaving the queue
  A fan may give up their place at any time. The place is freed at once, so the next fan is let
  in, and the old token stops working everywhere; coming back means starting at the back.

  Background:
    Given a concert with 100 seats is on sale

  Scenario: A fan who leaves frees their place for the next fan
    Given the waiting room lets at most 1 fan in at a time
    And Ann has started shopping
    And Ben enters the queue
    When Ann leaves the queue
    Then Ann's token is refused everywhere as expired
    And Ben is let in
    And the queue statistics show 1 exited

  Scenario: When a waiting fan leaves, everyone behind moves up and nobody else is touched
    Given admission to the concert is paused
    And Ann, Ben and Cat enter the queue in that order
    When Ben leaves the queue
    Then Ann and Cat are waiting at positions 1 to 2
    And Ben's token is refused everywhere as expired

  Scenario: A fan who left and comes back starts at the back with a new token
    Given admission to the concert is paused
    And Ann, Ben and Cat enter the queue in that order
    When Ann leaves the queue
    And Ann enters the queue again
    Then the entry is accepted as new
    And Ann has a new token
    And Ann is WAITING at position 3
    And Ann's previous token is refused everywhere as expired

  Scenario: Leaving twice
    Given admission to the concert is paused
    And Ann enters the queue
    When Ann leaves the queue
    And Ann tries to leave the queue
    Then the request is refused with 410 TOKEN_EXPIRED
