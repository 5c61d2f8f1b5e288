Feature: Turns that are not used expire
  A fan who is let in must take their turn in time, and a fan who takes it must keep using it;
  otherwise the place goes to the next fan. This holds even when nobody is looking.

  Background:
    Given a concert with 100 seats is on sale
    And the waiting room lets at most 1 fan in at a time

  Scenario: A fan who does not take their turn in time loses it to the next fan
    Given a fan who is let in has 1 second to take their turn
    And Ann enters the queue
    And Ben enters the queue
    And Ann is let in
    When Ann does not take her turn in time
    Then Ann's token has expired
    And Ben is let in
    And the queue statistics count 1 expired

  Scenario: A fan who stops using their turn loses it
    Given an active fan who does nothing for 2 seconds loses their turn
    And Ann has been let in and is active
    When Ann does nothing for too long
    Then Ann's token has expired
    And Ann can no longer take her turn

  Scenario: Unused turns expire and free their place while nobody is looking
    Given a fan who is let in has 1 second to take their turn
    And Ann enters the queue
    And Ben enters the queue
    Then without anyone checking, the queue statistics eventually show 2 expired and nobody ready, active or waiting

  Scenario: A fan whose turn expired starts again at the back with a new token
    Given a fan who is let in has 1 second to take their turn
    And Ann enters the queue
    And Ann is let in
    And Ann does not take her turn in time
    And admission to the concert is paused
    And Ben enters the queue
    When Ann enters the queue again
    Then the entry is accepted as new
    And Ann has a new token
    And Ann is WAITING at position 2
