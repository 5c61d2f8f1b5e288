@chaos @serial @infra @database @gateway-control
Feature: The database restarts in the middle of bookings
  Seats and money live in PostgreSQL. When it restarts while fans are reserving and paying, a
  fan gets a quick "try again" or a clear refusal rather than an error page, bookings go on by
  themselves once it is back, and no booking is ever left half done: no seat sold without a
  completed payment, no money kept without a booking.

  Background:
    Given a concert with 20 seats is on sale

  Scenario: Buyers keep booking through a PostgreSQL restart
    Given 6 fans have started shopping
    And the payment provider takes 1.5 seconds to answer
    When the 6 fans each book a seat while the database restarts
    Then every answer they got was a success, a clean refusal or "SERVICE_UNAVAILABLE"
    And a fan who starts after the restart books a seat, and no service was restarted
    And no booking is half done
