@chaos @serial @infra
Feature: Losing the Redis master that holds a concert's waiting room
  Each concert's waiting room lives on one Redis master, copied to a replica. When that master
  dies in the middle of a rush, fans get a quick "try again" instead of a hanging page, the
  replica takes over on its own, service returns within seconds without anyone restarting
  anything, and nobody who was told they had a place in the queue loses it.

  Background:
    Given a concert with 100 seats is on sale
    And admission to the concert is paused

  Scenario: The master dies while fans are entering and polling
    Given fans keep entering and checking their place in the queue
    When the Redis master holding the concert's waiting room fails
    Then a replica takes over the concert's waiting room within 30 seconds
    And the waiting room serves fans again within 5 seconds of the takeover
    And while it happened every request was answered within 2 seconds, by success or "SERVICE_UNAVAILABLE"
    And every fan whose entry was acknowledged still has their place in the queue

  # With a healthy replica, replication alone keeps nearly everything; cut it off first and only
  # waiting for a replica before answering (durable writes) keeps the promise.
  Scenario: The master dies after its replica was cut off, while fans are entering and polling
    Given fans keep entering and checking their place in the queue
    When the replica of the concert's Redis master is cut off from it, and fans entering are told to try again
    And the Redis master holding the concert's waiting room fails
    Then a replica takes over the concert's waiting room within 30 seconds
    And the waiting room serves fans again within 5 seconds of the takeover
    And while it happened every request was answered within 2 seconds, by success or "SERVICE_UNAVAILABLE"
    And every fan whose entry was acknowledged still has their place in the queue
