@chaos @serial @infra @several-queue-servers
Feature: A queue server crashes
  Several queue servers share one waiting room in Redis, and any of them can serve any fan.
  When one crashes, the others serve every fan, with the same place and token, and keep
  admitting fans from the queue.

  Background:
    Given a concert with 100 seats is on sale
    And admission to the concert is paused

  Scenario: The surviving queue servers serve every fan and admission goes on
    Given 10 fans enter the queue through queue server 1
    When queue server 1 crashes
    Then every surviving queue server tells the 10 fans their places, 1 to 10
    And a newcomer can enter through every surviving queue server
    When admission to the concert is resumed through queue server 2
    Then the 10 fans are let in through queue server 2

  Scenario: A fan following her place live on a queue server that crashes follows it again through another, in the same place
    Given 3 fans enter the queue through queue server 1
    And Ben enters the queue through queue server 1
    And Ben follows his place live through queue server 1
    And Ben is told live that he is WAITING at position 4
    When queue server 1 crashes
    Then Ben's stream ends within 5 seconds
    And Ben can follow his place live again through queue server 2
    And Ben is told live that he is WAITING at position 4
    When admission to the concert is resumed through queue server 2
    Then Ben is told live that he is let in
