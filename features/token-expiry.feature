Feature: Turns that are not used expire
  A fan who is let in must start shopping in time, and a shopper must keep using the box office;
  otherwise the place goes to the next fan. Every box-office call keeps the turn alive; checking
  one's place does not. This holds even when nobody is looking: then the promoters end a lapsed
  turn within one of their intervals (features/faults/stalled-promoters.feature: when they do
  not, the next call ends it).

  Background:
    Given a concert with 100 seats is on sale
    And the waiting room lets at most 1 fan in at a time

  Scenario: A fan who does not start shopping in time loses the turn to the next fan
    Given a fan who is let in has 1 second to start shopping
    And Ann enters the queue
    And Ben enters the queue
    And Ann is let in
    When Ann lets her turn lapse
    Then Ann's token is refused everywhere as expired
    And Ben is let in
    And the queue statistics show 1 expired

  Scenario: A shopper who stays idle loses the turn
    Given a shopper who stays idle for 2 seconds loses their turn
    And Ann has started shopping
    When Ann lets her turn lapse
    Then Ann's token is refused everywhere as expired

  Scenario: Every call at the box office keeps a shopper's turn alive
    Given a shopper who stays idle for 2 seconds loses their turn
    And Ann has started shopping
    When Ann keeps looking at the seats for 4 seconds
    Then Ann is shopping
    When Ann lets her turn lapse
    Then Ann's token is refused everywhere as expired

  # Alone: lateness is measured in tens of milliseconds, which a busy machine would blur.
  @serial
  Scenario: Unused turns end within a promoter interval of their deadline while nobody is looking
    Given a fan who is let in has 1 second to start shopping
    And Ann, Ben, Cat and Dan enter the queue in that order
    Then each of Ann, Ben, Cat and Dan loses her unused turn within a promoter interval of its deadline
    And the queue statistics show 4 expired, 0 ready, 0 active and 0 waiting

  Scenario: A fan whose turn expired starts again at the back with a new token
    Given a fan who is let in has 1 second to start shopping
    And Ann enters the queue
    And Ann is let in
    And Ann lets her turn lapse
    And admission to the concert is paused
    And Ben enters the queue
    When Ann enters the queue again
    Then the entry is accepted as new
    And Ann has a new token
    And Ann is WAITING at position 2
