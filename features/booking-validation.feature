@database
Feature: Malformed booking requests
  A request the box office cannot understand is refused with a clear reason and changes nothing.

  Background:
    Given a concert with 10 seats is on sale
    And Alice has started shopping

  Scenario Outline: A reservation request <problem> is refused and reserves nothing
    When Alice sends a reservation request <problem>
    Then the request is refused with 400 VALIDATION_FAILED
    And no seat of the concert is reserved

    Examples:
      | problem                            |
      | without a seat                     |
      | with a seat given as a number      |
      | with a seat name full of symbols   |
      | with a seat name that is too long  |
      | that is not valid JSON             |
      | that is a list instead of a record |

  Scenario: Reserving a seat the concert does not have
    When Alice tries to reserve seat Z99
    Then the request is refused with 404 SEAT_NOT_FOUND
    And no seat of the concert is reserved

  Scenario: Asking about a reservation that does not exist
    When Alice looks up a reservation that does not exist
    Then the request is refused with 404 RESERVATION_NOT_FOUND
