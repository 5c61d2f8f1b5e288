@database
Feature: Who may book
  Only a fan whose turn it is may look at seats and book, only for the concert they queued for,
  and only one seat at a time.

  Background:
    Given a concert with 10 seats is on sale

  Scenario: A fan holds only one seat at a time
    Given Alice has been let in and is active
    And Alice holds seat A1
    When Alice reserves seat A2
    Then the reservation is refused because Alice already holds a seat
    And seat A2 is AVAILABLE
    When Alice reserves seat A1
    Then Alice gets the same reservation again

  Scenario: A turn for one concert does not open another
    Given a second concert "Concert B" with 10 seats is on sale
    And Alice has been let in and is active
    When Alice looks at the seats of "Concert B"
    Then the request is refused with 403 TOKEN_WRONG_CONCERT
    When Alice tries to reserve seat A1 of "Concert B"
    Then the request is refused with 403 TOKEN_WRONG_CONCERT
    And no seat of "Concert B" is reserved

  Scenario: A fan still waiting in the queue cannot shop
    Given admission to the concert is paused
    When Alice enters the queue
    And Alice tries to reserve seat A1
    Then the request is refused with 403 TOKEN_NOT_ACTIVE
    And no seat of the concert is reserved

  Scenario: A fan whose turn has lapsed cannot shop
    Given shoppers who stay idle for 1 second lose their turn
    And Alice has been let in and is active
    When Alice stays idle until her turn has lapsed
    And Alice tries to reserve seat A1
    Then the request is refused with 410 TOKEN_EXPIRED
    And no seat of the concert is reserved

  Scenario: Nobody can shop without a genuine queue token
    When someone without a queue token looks at the seats
    Then the request is refused with 401 TOKEN_MISSING
    When someone with a forged queue token looks at the seats
    Then the request is refused with 401 TOKEN_INVALID
