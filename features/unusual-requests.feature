@database
Feature: Requests the services do not take
  A request with a method its address does not take, or a body far larger than any the
  contract needs, is refused with a clear reason and changes nothing.

  Background:
    Given a concert with 10 seats is on sale
    And admission to the concert is paused
    And Ann enters the queue

  Scenario Outline: A request to <request> <problem> is refused
    When Ann sends a request to <request> <problem>
    Then the request is refused with <status> <code>
    And the queue statistics show 1 entered and 1 waiting
    And no seat of the concert is reserved

    Examples:
      | request         | problem                        | status | code               |
      | enter the queue | with a method it does not take | 405    | METHOD_NOT_ALLOWED |
      | enter the queue | with a body larger than 16 kB  | 413    | PAYLOAD_TOO_LARGE  |
      | reserve a seat  | with a method it does not take | 405    | METHOD_NOT_ALLOWED |
      | reserve a seat  | with a body larger than 16 kB  | 413    | PAYLOAD_TOO_LARGE  |
