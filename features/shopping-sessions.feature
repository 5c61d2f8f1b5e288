Feature: A shopping turn lasts a session, which a shopper may extend a few times
  Staying busy at the box office keeps a turn from lapsing, but not for ever: a turn ends at the
  end of its session (the concert's session length after it started), however busy the shopper.
  A shopper may ask for more time, moving the end of her session on by one session length, as
  often as the concert allows. This holds even when nobody but the shopper is looking.

  Background:
    Given a concert with 100 seats is on sale

  Scenario: A shopper extends her turn as often as the concert allows, and no more
    Given a shopping session lasts at most 60 seconds
    And a shopper may extend her session 2 times
    And Ann has started shopping
    When Ann extends her turn
    Then Ann's turn ends 60 seconds later, and she may extend it 1 more time
    When Ann extends her turn
    Then Ann's turn ends 60 seconds later, and she may extend it 0 more times
    When Ann tries to extend her turn
    Then the request is refused with 409 EXTENSION_LIMIT
    And Ann is shopping
    And every queue server's monitoring figures for the concert show:
      | figure         | value |
      | turns extended | 2     |

  Scenario: A concert that sets no session limits gives a shopper ten-minute sessions and two extensions
    Given a shopper who stays idle for 3600 seconds loses their turn
    And Ann has started shopping
    When Ann extends her turn
    Then Ann's turn ends 600 seconds later, and she may extend it 1 more time
    When Ann extends her turn
    Then Ann's turn ends 600 seconds later, and she may extend it 0 more times
    When Ann tries to extend her turn
    Then the request is refused with 409 EXTENSION_LIMIT

  Scenario: Only a shopper can extend her turn
    Given the waiting room lets at most 1 fan in at a time
    And Ann enters the queue
    And Ben enters the queue
    And Ann is let in
    When Ann tries to extend her turn
    Then the request is refused with 409 NOT_ACTIVE
    When Ben tries to extend his turn
    Then the request is refused with 409 NOT_ACTIVE

  Scenario: A refused extension costs the shopper nothing
    Given a shopping session lasts at most 60 seconds
    And a shopper may extend her session 1 time
    And Ann enters the queue
    And Ann is let in
    When Ann tries to extend her turn
    Then the request is refused with 409 NOT_ACTIVE
    When Ann starts shopping
    And Ann extends her turn
    Then Ann's turn ends 60 seconds later, and she may extend it 0 more times

  Scenario: The session cap ends a busy shopper's turn
    Given a shopping session lasts at most 2 seconds
    And Ann has started shopping
    When Ann keeps looking at the seats until her turn runs out
    Then Ann was served until her session ran out, and not after
    And Ann's token is refused everywhere as expired
    And the queue statistics show 1 expired
