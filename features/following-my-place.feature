Feature: Following one's place live
  A fan's app may follow her place on a stream instead of asking again and again: the stream
  tells her status at once, then every change of it and her position as it moves, and ends once
  she is shopping or her place is gone. Any queue server serves it; one place may be followed on
  two streams at once, no more.

  Background:
    Given a concert with 100 seats is on sale
    And the waiting room lets at most 1 fan in at a time

  @several-queue-servers
  Scenario: A fan following her place live is told within a second that she is let in, then that she is shopping, and the stream ends
    Given Ann has started shopping
    And Ben enters the queue
    When Ben follows his place live through queue server 2
    Then Ben is told live that he is WAITING at position 1
    When Ann leaves the queue
    Then Ben is told live that he is let in, within a second of being let in
    When Ben starts shopping
    Then Ben is told live that he is shopping, and his stream ends

  @several-queue-servers
  Scenario: A place may be followed on two streams at once, over every queue server, and no more
    Given Ann has started shopping
    And Ben enters the queue
    When Ben follows his place live through queue server 1
    And Ben follows his place live through queue server 2
    And Ben tries to follow his place live through queue server 1
    Then the request is refused with 429 RATE_LIMITED
    And the answer says to retry within a minute
    When Ben stops following his place on queue server 2
    Then Ben can follow his place live again through queue server 1

  @service-logs
  Scenario: A browser's stream carries the token in the address, and no log shows it
    When Cat enters the queue
    And Cat follows her place live, her token in the address
    Then Cat is told live that she is let in
    And the service logs never show Cat's token or the operators' key

  @serial
  Scenario: A queue server serving as many streams as it may refuses another, and says when to try again
    Given queue server 1 serves as many status streams as it may
    And Ann enters the queue
    When Ann tries to follow her place live through queue server 1
    Then the request is refused with 503 SERVICE_UNAVAILABLE
    And the answer says to retry within a minute
