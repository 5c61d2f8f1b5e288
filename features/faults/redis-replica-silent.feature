@chaos @serial @infra
Feature: A Redis replica that stops confirming writes
  A fan told she has a place in the queue keeps it even if the Redis master that holds it dies
  the next moment: the queue answers only once a replica holds the place too. A healthy replica
  confirms within a millisecond, so that wait shows only when the replica stops confirming
  while the cluster still counts it healthy.

  Background:
    Given a concert with 10 seats is on sale
    And admission to the concert is paused

  Scenario: A fan is not told she has a place that no replica holds
    Given the replica of the concert's waiting room stops confirming writes
    When Ann tries to enter the queue
    Then the request is refused with 503 SERVICE_UNAVAILABLE
    And the answer says to retry within a minute
    When the replica confirms writes again
    And Ann enters the queue again
    Then the queue statistics show 1 entered and 1 waiting
