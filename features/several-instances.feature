@several-queue-servers
Feature: Several queue servers, one waiting room
  The waiting room runs on several queue servers at once, with no load balancer stickiness: a
  fan may reach any of them on any request, and together they still keep every rule. Each
  scenario uses every queue server the target has, and skips where it has only one.

  Background:
    Given a concert with 100 seats is on sale

  Scenario: A fan enters through one server and continues through any other
    Given admission to the concert is paused
    When Ann enters the queue through queue server 1
    Then every queue server tells Ann she is WAITING at position 1
    When admission to the concert is resumed through queue server 2
    Then every queue server tells Ann she is let in
    When Ann starts shopping through queue server 2
    Then every queue server tells Ann she is shopping
    And Ann leaves the queue through queue server 1

  Scenario: The servers together never let in more fans than allowed, nor out of order
    Given the waiting room lets at most 3 fans in at a time
    And the waiting room admits up to 100 fans a second
    And admission to the concert is paused
    And Ann, Ben, Cat, Dan, Eve and Fay enter the queue in that order, taking turns across every queue server
    When admission to the concert is resumed
    Then Ann, Ben and Cat are let in
    And Dan, Eve and Fay are waiting at positions 1 to 3
    And every queue server's statistics show 3 ready, 0 active and 3 waiting

  Scenario: An operator's change through one server holds on every server
    When admission to the concert is paused through queue server 2
    And the waiting room lets at most 7 fans in at a time through queue server 1
    Then every queue server reports admission paused, letting at most 7 fans in at a time
