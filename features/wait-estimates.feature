Feature: Wait estimates and when to check again
  Fans are told how long they may wait, based on how fast fans are really being let in, and
  when to ask again: fans far back ask less often, so a huge queue does not flood the service.

  Background:
    Given a concert with 100 seats is on sale

  Scenario: The estimate follows how fast fans are really being let in
    Given the waiting room admits up to 100 fans a second
    And the waiting room lets at most 2 fans in at a time
    And admission to the concert is paused
    And Ann, Ben, Cat, Dan and Eve enter the queue in that order
    And Eve is told to expect a wait of at most 1 second
    When admission to the concert is resumed
    And Ann and Ben are let in
    Then Eve is eventually told to expect a wait of more than 10 seconds

  Scenario: Fans further back are asked to check again less often
    Given the waiting room admits up to 1 fan a second
    And admission to the concert is paused
    When Ann enters the queue
    And 300 more fans enter the queue at the same instant
    And Zed enters the queue
    Then Zed is asked to check again less often than Ann
    And nobody is asked to check again more often than once a second
