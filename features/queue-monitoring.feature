Feature: Watching the waiting room on a sale day
  Every queue server says whether it can serve, and exposes the figures an operator watches:
  entries, admissions, places ended and why, queue sizes (the pre-queue of a scheduled sale too),
  and how long fans waited to get in (turns extended: features/shopping-sessions.feature).

  Background:
    Given a concert with 100 seats is on sale

  Scenario: Every queue server reports it is alive and ready to serve
    Then every queue server reports it is alive and ready to serve

  Scenario: The monitoring figures follow what happens in the queue
    Given the waiting room lets at most 1 fan in at a time
    And Ann enters the queue
    And Ann is let in
    And Ben and Cat enter the queue in that order
    When Ben leaves the queue
    Then every queue server's monitoring figures for the concert show:
      | figure                 | value |
      | entries                | 3     |
      | admissions             | 1     |
      | exits because left     | 1     |
      | exits because expired  | 0     |
      | exits because booked   | 0     |
      | fans waiting           | 1     |
      | fans let in            | 1     |
      | fans active            | 0     |
    And the time Ann waited to be let in was recorded once

  Scenario: The monitoring figures show a scheduled sale's pre-queue
    Given the concert's sale starts in 60 seconds
    And Ann and Ben enter the queue in that order
    Then every queue server's monitoring figures for the concert show:
      | figure                | value |
      | entries               | 2     |
      | pre-queue entries     | 2     |
      | fans in the pre-queue | 2     |
      | fans waiting          | 0     |
      | admissions            | 0     |

  Scenario: The operator sees how fast fans are let in, in fans a second
    Given the waiting room admits up to 5 fans a second
    And admission to the concert is paused
    And 50 fans enter the queue
    When admission to the concert is resumed
    Then the queue statistics eventually show fans let in at about 5 a second

  @service-logs
  Scenario: The service logs never show a fan's token or the operators' key
    Given Ann has started shopping
    When Ann looks at the seats of the concert
    Then the service logs never show Ann's token or the operators' key
