Feature: Several queue servers, one waiting room
  The waiting room runs on several queue servers at once, with no load balancer stickiness: a
  fan may reach any of them on any request, and together they still keep every rule.

  Background:
    Given a concert with 100 seats is on sale

  Scenario: A fan enters through one server and continues through another
    Given admission to the concert is paused
    When Ann enters the queue through queue server 1
    Then Ann is WAITING at position 1 according to queue server 2
    When admission to the concert is resumed
    And Ann is let in according to queue server 2
    And Ann takes her turn through queue server 2
    Then Ann is ACTIVE according to queue server 1
    And Ann can leave the queue through queue server 1

  Scenario: The servers together never let in more fans than allowed, nor out of order
    Given the waiting room lets at most 3 fans in at a time
    And the waiting room admits up to 100 fans a second
    And admission to the concert is paused
    And Ann, Ben, Cat, Dan, Eve and Fay enter the queue in that order, alternating between the queue servers
    When admission to the concert is resumed
    Then Ann, Ben and Cat are let in
    And Dan, Eve and Fay are waiting at positions 1 to 3
    And the queue statistics show 3 ready, 0 active and 3 waiting on every queue server

  Scenario: An operator's change through one server holds on every server
    When the operator pauses admission through queue server 2
    And the operator lets at most 7 fans in at a time through queue server 1
    Then every queue server reports the waiting room paused, letting 7 fans in at a time
