Feature: Running the waiting room
  Operators put concerts on sale, set each waiting room's policy, pause and resume admission,
  and watch the numbers. Only they can, and a bad request never changes anything.

  Background:
    Given a concert with 100 seats is on sale

  Scenario: An operator changes the policy and gets the whole effective policy back
    When the operator changes the policy:
      | active limit | admissions a second |
      | 50           | 10                  |
    Then the effective policy is:
      | active limit | admissions a second | seconds to start shopping | idle seconds | hold seconds | session seconds | extensions | pre-queue opens | sale starts | shards    |
      | 50           | 10                  | 60                        | 300          | 300          | 600             | 2          | none            | none        | as set up |
    When the operator changes the policy:
      | seconds to start shopping | session seconds | extensions |
      | 30                        | 900             | 0          |
    Then the effective policy is:
      | active limit | admissions a second | seconds to start shopping | idle seconds | hold seconds | session seconds | extensions | pre-queue opens | sale starts | shards    |
      | 50           | 10                  | 30                        | 300          | 300          | 900             | 0          | none            | none        | as set up |

  Scenario: Every number of the policy may be set to either end of its range
    When the operator changes the policy:
      | active limit | admissions a second | seconds to start shopping | idle seconds | hold seconds | session seconds | extensions | shards |
      | 1000000      | 100000              | 86400                     | 86400        | 86400        | 86400           | 10         | 16     |
    Then the effective policy is:
      | active limit | admissions a second | seconds to start shopping | idle seconds | hold seconds | session seconds | extensions | pre-queue opens | sale starts | shards |
      | 1000000      | 100000              | 86400                     | 86400        | 86400        | 86400           | 10         | none            | none        | 16     |
    When the operator changes the policy:
      | active limit | admissions a second | seconds to start shopping | idle seconds | hold seconds | session seconds | extensions | shards |
      | 1            | 1                   | 1                         | 1            | 1            | 1               | 0          | 1      |
    Then the effective policy is:
      | active limit | admissions a second | seconds to start shopping | idle seconds | hold seconds | session seconds | extensions | pre-queue opens | sale starts | shards |
      | 1            | 1                   | 1                         | 1            | 1            | 1               | 0          | none            | none        | 1      |

  Scenario: While admission is paused nobody is let in, and resuming lets fans in again
    Given the waiting room lets at most 5 fans in at a time
    And a fan who is let in has 5 seconds to start shopping
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
    And Ann has started shopping
    And Ben and Cat enter the queue in that order
    When Ben leaves the queue
    Then the queue statistics show 1 waiting, 0 ready, 1 active, 3 entered, 1 exited, 0 expired and 0 completed

  Scenario Outline: Someone with <credentials> cannot <action>, and nothing changes
    Given admission to the concert is <state>
    When someone with <credentials> tries to <action>
    Then the request is refused with 401 ADMIN_UNAUTHORIZED
    And the waiting room is still <state>, and nothing else changed

    Examples:
      | credentials           | action                | state   |
      | no credentials        | put a concert on sale | resumed |
      | a wrong key           | put a concert on sale | paused  |
      | no credentials        | change the policy     | paused  |
      | a wrong key           | change the policy     | resumed |
      | the key with a suffix | change the policy     | paused  |
      | no credentials        | resume admission      | paused  |
      | a wrong key           | resume admission      | paused  |
      | a non-Bearer scheme   | resume admission      | paused  |
      | no credentials        | pause admission       | resumed |
      | a wrong key           | pause admission       | resumed |
      | a fan's queue token   | pause admission       | resumed |
      | a wrong key           | read the statistics   | paused  |

  Scenario Outline: The operator cannot <action> for a concert that is not on sale
    When the operator tries to <action> for a concert that is not on sale
    Then the request is refused with 404 CONCERT_NOT_FOUND

    Examples:
      | action              |
      | change the policy   |
      | pause admission     |
      | resume admission    |
      | read the statistics |

  Scenario Outline: A policy change with <change> is refused and changes nothing
    When the operator tries to change the policy with <change>
    Then the request is refused with 400 VALIDATION_FAILED
    And the waiting room policy is unchanged

    Examples:
      | change                                          |
      | an active limit of 0                            |
      | an active limit over a million                  |
      | a negative admission rate                       |
      | no admissions at all                            |
      | over 100,000 admissions a second                |
      | an active limit of 2.5                          |
      | an active limit written as text                 |
      | a turn window longer than a day                 |
      | a valid active limit but an invalid idle time   |
      | a session longer than a day                     |
      | more than 10 extensions                         |
      | a negative number of extensions                 |
      | a sale start that is not an instant             |
      | a sale start without its offset                 |
      | a pre-queue without a sale start                |
      | a pre-queue that opens after the sale starts    |
      | no settings at all                              |
      | a list instead of settings                      |
      | text that is not JSON                           |
      | more than 16 shards                             |
      | no shards                                       |
      | a number of shards written as text              |
