Feature: Being let in
  The waiting room lets fans in (READY) strictly in the order they arrived, never more at once
  than the concert allows and no faster than it admits. A fan who is let in starts shopping
  (ACTIVE).

  Background:
    Given a concert with 100 seats is on sale
    And the waiting room admits up to 100 fans a second

  Scenario: Only as many fans as the concert allows are let in at once
    Given the waiting room lets at most 2 fans in at a time
    And admission to the concert is paused
    And Ann, Ben, Cat, Dan and Eve enter the queue in that order
    When admission to the concert is resumed
    Then Ann and Ben are let in
    And Cat, Dan and Eve are waiting at positions 1 to 3
    And the queue statistics show 2 ready, 0 active and 3 waiting

  Scenario: Fans are let in strictly in the order they arrived
    Given the waiting room lets at most 1 fan in at a time
    And admission to the concert is paused
    And Ann, Ben, Cat and Dan enter the queue in that order
    When admission to the concert is resumed
    Then as each fan who was let in leaves, the next is let in: Ann, Ben, Cat and Dan

  Scenario: A fan who is shopping counts against the limit until she leaves
    Given the waiting room lets at most 1 fan in at a time
    And Ann has started shopping
    When Ben enters the queue
    Then Ben stays WAITING at position 1 for 2 seconds
    When Ann leaves the queue
    Then Ben is let in

  Scenario: Fans are let in no faster than the waiting room admits them
    Given the waiting room admits up to 1 fan a second
    And admission to the concert is paused
    And Ann, Ben, Cat and Dan enter the queue in that order
    When admission to the concert is resumed
    Then Ann, Ben, Cat and Dan are let in no faster than 1 a second

  Scenario: A fan who is let in starts shopping, and starting again changes nothing
    Given Ann enters the queue
    And Ann is let in
    When Ann starts shopping
    Then Ann is shopping
    When Ann starts shopping again
    Then Ann is shopping

  Scenario: A fan who is still waiting cannot start shopping
    Given the waiting room lets at most 1 fan in at a time
    And Ann enters the queue
    And Ann is let in
    And Ben enters the queue
    When Ben tries to start shopping
    Then the request is refused with 409 NOT_READY
    And Ben is WAITING at position 1
