@database
Feature: Putting a concert on sale
  An operator creates a concert with its seats and price; its waiting room opens with it.
  (Who may put a concert on sale: features/queue-administration.feature.)

  Scenario: A new concert has its seats labelled in rows of ten, all available
    When the operator puts a concert with 25 seats at 80.00 on sale
    Then the concert is on sale with 25 seats
    And Alice has started shopping
    And Alice sees 25 seats labelled A1 to A10, B1 to B10 and C1 to C5, all available at 80.00

  Scenario Outline: A concert at the edge of what is allowed is put on sale: <seats> seats at <price>
    When the operator puts a concert with <seats> seats at <price> on sale
    Then the concert is on sale with <seats> seats

    Examples:
      | seats | price      |
      | 1     | 0.00       |
      | 10000 | 1000000.00 |

  Scenario: The same concert cannot be put on sale twice
    Given the operator puts a concert with 25 seats at 80.00 on sale
    When the operator puts a concert with 5 seats at 1.00 on sale again
    Then the request is refused with 409 CONCERT_EXISTS
    And the concert is on sale with 25 seats

  Scenario Outline: A concert with <problem> is refused and nothing is created
    When the operator puts a concert on sale with <problem>
    Then the request is refused with 400 VALIDATION_FAILED
    And the concert does not exist

    Examples:
      | problem                |
      | no seats               |
      | more than 10000 seats  |
      | a negative price       |
      | a price over a million |
      | a fractional price     |
      | no name                |
      | an unusable id         |