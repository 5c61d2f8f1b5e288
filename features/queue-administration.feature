Feature: Running the waiting room
  Operators set each concert's waiting-room policy, pause and resume admission, and watch the
  numbers. Only they can, and a bad request never changes anything.

  Background:
    Given a concert with 100 seats is on sale

  Scenario: An operator changes the policy and gets the whole effective policy back
    When the operator lets at most 50 fans in at a time, up to 10 a second
    Then the effective policy lets 50 fans in at a time, up to 10 a second
    And the effective policy still gives 60 seconds to take a turn and 300 seconds of idle time
    When the operator gives fans 30 seconds to take their turn
    Then the effective policy lets 50 fans in at a time, up to 10 a second
    And the effective policy gives 30 seconds to take a turn

  Scenario: While admission is paused nobody is let in, and resuming lets fans in again
    Given the waiting room lets at most 5 fans in at a time
    And a fan who is let in has 5 seconds to take their turn
    And Zoe enters the queue
    And Zoe is let in
    When admission to the concert is paused
    And Ann and Ben enter the queue in that order
    And Zoe's unused turn lapses while admission is paused
    Then Ann and Ben are waiting at positions 1 to 2
    When admission to the concert is resumed
    Then Ann and Ben are let in

  Scenario: The statistics count entries and every way a place ends
    Given the waiting room lets at most 1 fan in at a time
    And Ann has been let in and is active
    And Ben and Cat enter the queue in that order
    When Ben leaves the queue
    Then the queue statistics show:
      | waiting | ready | active | entered | exited | expired | completed |
      | 1       | 0     | 1      | 3       | 1      | 0       | 0         |

  Scenario Outline: Someone with <credentials> cannot <action>
    Given admission to the concert is <state>
    When someone with <credentials> tries to <action>
    Then they are refused as not an operator
    And the waiting room is still <state> with its policy unchanged

    Examples:
      | credentials         | action              | state   |
      | no credentials      | change the policy   | paused  |
      | a wrong admin token | change the policy   | paused  |
      | a wrong admin token | resume admission    | paused  |
      | no credentials      | resume admission    | paused  |
      | a wrong admin token | pause admission     | resumed |
      | no credentials      | pause admission     | resumed |
      | a wrong admin token | read the statistics | paused  |

  Scenario Outline: The operator cannot <action> for a concert that is not on sale
    When the operator tries to <action> for a concert that is not on sale
    Then the operator is told the concert was not found

    Examples:
      | action              |
      | change the policy   |
      | pause admission     |
      | resume admission    |
      | read the statistics |

  Scenario Outline: A policy change with <change> is refused and changes nothing
    When the operator tries to change the policy with <change>
    Then the request is refused as invalid
    And the waiting room policy is unchanged

    Examples:
      | change                                          |
      | an active limit of 0                            |
      | a negative admission rate                       |
      | an active limit of 2.5                          |
      | an active limit written as text                 |
      | a turn window longer than a day                 |
      | a valid active limit but an invalid idle time   |
      | no settings at all                              |
      | a list instead of settings                      |
      | text that is not JSON                           |
