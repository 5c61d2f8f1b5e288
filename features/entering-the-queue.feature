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
    Then the entry is recognised as a re-entry
    And Bob keeps the same token
    And Bob is WAITING at position 2
