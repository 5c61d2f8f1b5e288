@chaos @serial @infra
Feature: When the promoters fall behind, a lapsed turn still ends at its deadline
  Every queue server runs a promoter that ends lapsed turns with nobody calling; and every call
  ends a lapsed turn it reads, so the promise holds between promoter runs too. Here the
  promoters stop tending the concert (as when a backlog of rooms or a starved CPU holds them up),
  and the fan's own call must find her turn over at its deadline. Only this concert's promoting
  stops, but every fault is lifted after each @infra scenario (support/hooks/restore-infrastructure.ts),
  a stalled concert of another scenario too: so these run alone, like every fault.

  Background:
    Given a concert with 100 seats is on sale
    And the waiting room lets at most 1 fan in at a time

  Scenario: A fan let in who does not start shopping in time is turned away at her deadline, with no promoter running
    Given a fan who is let in has 2 seconds to start shopping
    And Ann enters the queue
    And Ann is let in
    When the promoters stop tending the concert
    And Ann's turn passes its deadline, with nobody asking
    Then the queue statistics show 1 ready and 0 expired
    When Ann tries to start shopping
    Then the request is refused with 410 TOKEN_EXPIRED
    And the queue statistics show 0 ready and 1 expired

  Scenario: A shopper idle past her deadline is turned away by the box office, with no promoter running
    Given a shopper who stays idle for 2 seconds loses their turn
    And Ann has started shopping
    When the promoters stop tending the concert
    And Ann's turn passes its deadline, with nobody asking
    Then the queue statistics show 1 active and 0 expired
    When Ann looks at the seats of the concert
    Then the request is refused with 410 TOKEN_EXPIRED
    And the queue statistics show 0 active and 1 expired

  Scenario: A busy shopper is turned away at the end of her session, with no promoter running
    Given a shopping session lasts at most 2 seconds
    And Ann has started shopping
    When the promoters stop tending the concert
    And Ann keeps looking at the seats until her turn runs out
    Then Ann was served until her session ran out, and not after
    And the queue statistics show 0 active and 1 expired
