Feature: Entering the waiting room
  When a sale opens, fans join a first-come, first-served waiting room. Each gets a token that
  proves their place, and asking again never costs them that place.

  Background:
    Given a concert with 100 seats is on sale
    And admission to the concert is paused

  @smoke
  Scenario: A fan who enters is told their place in the queue
    When Alice enters the queue
    Then the entry is accepted as new
    And Alice is WAITING at position 1

  @smoke
  Scenario: Entering again keeps the same place and token
    Given Alice enters the queue
    And Bob enters the queue
    When Bob enters the queue again
    Then Bob is recognised as already in the queue, with the same token
    And Bob is WAITING at position 2

  Scenario: The answer says how many wait, how long the wait may be and when to ask again
    Given Ann, Ben and Cat enter the queue in that order
    Then Cat is told she is at position 3 of 3 waiting, with a wait estimate and when to check again

  Scenario: Fans keep the order in which they arrived
    When Ann, Ben, Cat, Dan and Eve enter the queue in that order
    Then Ann, Ben, Cat, Dan and Eve are waiting at positions 1 to 5

  Scenario: Fans who arrive in the same instant keep the order they were told
    When 40 fans enter the queue at the same instant
    Then the 40 fans are still where they were told, at positions 1 to 40

  Scenario: A concert that is not on sale has no waiting room
    When Alice tries to enter the queue of a concert that is not on sale
    Then the request is refused with 404 CONCERT_NOT_FOUND

  Scenario: A fan name of 64 characters, the longest allowed, is taken
    Given Ann enters the queue
    When someone tries to enter the queue with a fan name of 64 characters
    Then the entry is accepted as new
    And the queue statistics show 2 entered and 2 waiting

  Scenario Outline: Entering with <problem> is refused and changes nothing
    Given Ann enters the queue
    When someone tries to enter the queue with <problem>
    Then the request is refused with 400 VALIDATION_FAILED
    And the queue statistics show 1 entered and 1 waiting

    Examples:
      | problem                                   |
      | no fan name                               |
      | no concert                                |
      | a fan name longer than 64 characters      |
      | a fan name with spaces in it              |
      | a fan name that is a number               |
      | a concert name with forbidden characters  |
      | details that are a list                   |
      | text that is not JSON                     |
