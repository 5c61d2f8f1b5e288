Feature: Fans who ask too often are slowed down
  A fan (or a script posing as one) who enters or checks her place far more often than any app
  needs to is told to wait, with a time to retry. The limits are kept by each queue server on
  its own (README, Guarantees): 30 entries and 240 checks a minute per fan and server, the
  defaults. She is refused at the edge of her budget, not before and not later, and a refused
  call takes nothing from it: coming back when told, however often she tried meanwhile, works.

  A fan is refused only while she asks faster than her budget refills (an entry every 2 s, a
  check every 250 ms). So she tries up to a minute's budget more and stops at the first
  refusal, which comes as long as she enters more than once a second or checks more than 8
  times a second.

  Background:
    Given a concert with 100 seats is on sale
    And admission to the concert is paused

  Scenario: A fan who enters too often is told when to retry
    When Ann enters the queue 30 times through queue server 1
    And Ann tries to enter the queue 30 more times through queue server 1
    Then the request is refused with 429 RATE_LIMITED
    And Ann was refused as soon as she went beyond 30 a minute
    And the answer says to retry within a minute
    And Ann is WAITING at position 1

  Scenario: A fan who checks her place too often is told when to retry
    Given Ann enters the queue
    When Ann checks her place 240 times through queue server 1
    And Ann tries to check her place 240 more times through queue server 1
    Then the request is refused with 429 RATE_LIMITED
    And Ann was refused as soon as she went beyond 240 a minute
    And the answer says to retry within a minute

  Scenario: A refusal costs nothing: a fan who keeps trying is let through when she was first told
    When Ann enters the queue 30 times through queue server 1
    And Ann tries to enter the queue 10 more times through queue server 1, refused or not
    Then Ann is let through once she has waited as the first refusal told her

  @several-queue-servers
  Scenario: Each queue server keeps its own count
    When Ann enters the queue 30 times through queue server 1
    And Ann tries to enter the queue through queue server 2
    Then Ann is recognised as already in the queue, with the same token
