Feature: Queue tokens
  A queue token is the only proof of a fan's place. It cannot be forged, altered or borrowed
  from another system, and only its holder can use or give up the place it stands for.

  Background:
    Given a concert with 100 seats is on sale
    And admission to the concert is paused
    And Ann enters the queue
    And Ben enters the queue

  Scenario Outline: Checking a place with <token> is refused
    When someone checks a place in the queue with <token>
    Then they are refused because the token is <reason>

    Examples:
      | token                                    | reason  |
      | no token at all                          | missing |
      | a token signed with the wrong key        | invalid |
      | Ann's token altered to name Ben          | invalid |
      | Ann's token with one character changed   | invalid |
      | Ann's token cut short                    | invalid |
      | a token from another system              | invalid |

  Scenario Outline: Nobody can <action> with a counterfeit token
    When someone tries to <action> with Ben's token altered to name Ann
    Then they are refused because the token is invalid
    And Ann is WAITING at position 1
    And Ben is WAITING at position 2

    Examples:
      | action               |
      | take a turn          |
      | leave the queue      |
      | check the queue      |

  Scenario: A fan's own token works only for their own place
    When Ben leaves the queue
    Then Ann is WAITING at position 1
    And Ben's token has expired
