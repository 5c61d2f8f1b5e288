@database
Feature: Who may book
  Only a fan who is shopping may look at seats, reserve and pay, only for the concert she queued
  for, only for her own reservation, and only one seat at a time.

  Background:
    Given a concert with 10 seats is on sale

  Scenario Outline: A fan who <situation> cannot use the box office
    Given Alice <situation>
    Then every box-office call Alice makes is refused with <status> <code>
    And no seat of the concert is reserved

    Examples:
      | situation                                      | status | code             |
      | is still waiting in the queue                  | 403    | TOKEN_NOT_ACTIVE |
      | has been let in but has not started shopping   | 403    | TOKEN_NOT_ACTIVE |
      | stayed idle while shopping until her turn ended | 410    | TOKEN_EXPIRED    |
      | has left the queue                             | 410    | TOKEN_EXPIRED    |

  Scenario: A fan holds only one seat at a time
    Given Alice has started shopping
    And Alice reserves seat A1
    When Alice tries to reserve seat A2
    Then the request is refused with 409 RESERVATION_LIMIT
    And seat A2 is AVAILABLE
    When Alice reserves seat A1
    Then Alice gets the same reservation again

  Scenario: A turn for one concert does not open another
    Given a concert "Concert B" with 10 seats is on sale
    And Alice has started shopping
    When Alice looks at the seats of "Concert B"
    Then the request is refused with 403 TOKEN_WRONG_CONCERT
    When Alice tries to reserve seat A1 of "Concert B"
    Then the request is refused with 403 TOKEN_WRONG_CONCERT
    And no seat of "Concert B" is reserved

  Scenario: A reservation for one concert cannot be read or paid for with a turn for another
    Given a concert "Concert B" with 10 seats is on sale
    And Alice has started shopping for "Concert B"
    And Alice reserves seat A1 of "Concert B"
    And Alice has started shopping
    Then Alice can neither look up nor pay for her "Concert B" reservation with her turn for the concert
    And Alice's reservation is HELD

  Scenario: A fan cannot read or pay for another fan's reservation
    Given Alice has started shopping
    And Bob has started shopping
    And Alice reserves seat A1
    When Bob looks up Alice's reservation
    Then the request is refused with 404 RESERVATION_NOT_FOUND
    When Bob tries to pay for Alice's reservation
    Then the request is refused with 404 RESERVATION_NOT_FOUND
    And Alice's reservation is HELD
