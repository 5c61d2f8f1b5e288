@chaos @serial @infra
Feature: A queue instance crashes
  Several queue instances share one waiting room in Redis, and any of them can serve any fan.
  When one crashes, the others serve every fan, with the same place and token, and keep
  admitting fans from the queue.

  Background:
    Given a concert with 100 seats is on sale
    And admission to the concert is paused

  Scenario: The other instance serves every fan and admission goes on
    Given 10 fans have entered the queue through queue instance 1
    When queue instance 1 crashes
    Then each of those fans sees their place through queue instance 2
    And a new fan can enter through queue instance 2
    When admission to the concert resumes through queue instance 2
    Then every one of those fans is let in, as seen through queue instance 2
