@database @gateway-control @serial
Feature: Watching the box office on a sale day
  The core service counts what an operator watches: payments by how they ended, payments rolled
  back and why, and the charges it asked of the payment provider. Its figures count every
  concert, so the scenario runs alone.

  Scenario: The core service's monitoring figures count what the buyers and the payment provider did
    Given a concert with 10 seats is on sale
    And the core service's monitoring figures are noted
    And Alice has started shopping
    And Alice reserves seat A1
    And the payment provider declines payments
    When Alice tries to pay for her reservation
    Then the request is refused with 402 PAYMENT_DECLINED
    Given the payment provider approves payments
    When Alice reserves seat A1
    And Alice pays for her reservation
    Then the payment is completed at the seat's price
    And the core service's monitoring figures rose by:
      | figure                                | by |
      | payments completed                    | 1  |
      | payments declined                     | 1  |
      | payments rolled back because declined | 1  |
      | charges asked of the payment provider | 2  |
