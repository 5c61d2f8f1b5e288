Feature: A scheduled sale opens with a fair draw of everyone who came early
  A sale may start at a set instant. Before it, fans join a pre-queue (from the instant the
  pre-queue opens, if one is set): nobody is let in and nobody has a place yet. At the start the
  whole pre-queue waits in an order drawn at random, ahead of everyone who comes later, who
  queue first come, first served behind them; so arriving early by a second buys nothing. The
  draw can be checked: before the start the operator publishes a commitment to its secret seed,
  after it the seed, and the order follows from the seed and the fans' ids alone.

  Background:
    Given a concert with 100 seats is on sale

  Scenario: Before the pre-queue opens nobody can enter, and a fan is told when it opens
    Given the concert's pre-queue opens in 2 seconds and its sale in 60 seconds
    When Ann tries to enter the queue
    Then the request is refused with 409 QUEUE_NOT_OPEN
    And Ann is told when the queue opens
    When Ann enters the queue as soon as it opens
    Then Ann is in the pre-queue
    And the queue statistics show 1 pre-queued, 0 waiting and 1 entered

  Scenario: Nobody is let in before the sale starts; at the start the pre-queue is let in
    Given the concert's sale starts in 3 seconds
    And Ann enters the queue
    Then Ann is in the pre-queue
    When Ann enters the queue again
    Then Ann is recognised as already in the queue, with the same token
    And Ann stays in the pre-queue until the sale starts, and is then let in

  Scenario: The pre-queue waits in the order of the published draw, not the order of arrival
    Given the concert's sale starts in 4 seconds
    And admission to the concert is paused
    When 20 fans enter the queue
    Then the 20 fans are in the pre-queue
    And the operator sees a commitment to the draw, but not its seed
    When the sale starts
    Then the 20 fans wait in the order of the published draw, which matches the commitment, not in the order they arrived

  Scenario: Fans who come after the start queue behind every fan of the pre-queue
    Given the concert's sale starts in 3 seconds
    And admission to the concert is paused
    And 10 fans enter the queue
    When the sale starts
    And Zed and Yan enter the queue in that order
    Then Zed and Yan wait behind the 10 fans of the pre-queue, in the order they arrived

  Scenario: A burst of fans at the instant the sale starts is served without an error
    Given the concert's sale starts in 3 seconds
    And 100 fans enter the queue at the same instant
    When 300 more fans enter the queue at the instant the sale starts
    Then the queue statistics eventually show 400 entered and 0 pre-queued

  Scenario: A sale that started cannot be moved into the future, where its public draw would decide
    Given the concert's sale starts in 2 seconds
    When the sale starts
    And the operator tries to change the policy with a sale start in the future
    Then the request is refused with 409 SALE_ALREADY_STARTED
    And the waiting room policy is unchanged
