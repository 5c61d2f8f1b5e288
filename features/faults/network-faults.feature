@chaos @serial @infra @network-faults
Feature: The network between the services loses, cuts and slows packets
  Real ticket rushes break on slow, lossy and partitioned networks, not only on crashed servers.
  The links between the services' containers are faulted with the kernel's own tools: packets
  dropped at random, a link cut, a link throttled. Fans still get an answer in time (a success
  or a clean "try again"), nothing is left half done, and everything recovers by itself once
  the network is whole again.

  @database @gateway-control
  Scenario: Bookings go on through 20 % packet loss between the core service and PostgreSQL
    Given a concert with 20 seats is on sale
    And 6 fans have started shopping
    When the link between the core service and PostgreSQL loses 20 % of its packets
    And the 6 fans each book a seat over the lossy link
    Then every answer they got was a success, a clean refusal or "SERVICE_UNAVAILABLE"
    And every answer they got came within 10 seconds
    When the network is whole again
    Then a fan who starts after the fault books a seat, and no service was restarted
    And no booking is half done

  @several-queue-servers
  Scenario: A queue server cut off from Redis answers "try again" at once, the other serves everyone, and it recovers by itself
    Given a concert with 100 seats is on sale
    And admission to the concert is paused
    And 10 fans enter the queue through queue server 1
    When queue server 1 is cut off from Redis
    Then queue server 1 answers a newcomer 503 "SERVICE_UNAVAILABLE" within 3 seconds
    And every surviving queue server tells the 10 fans their places, 1 to 10
    And a newcomer can enter through every surviving queue server
    When the network is whole again
    Then queue server 1 tells the 10 fans their places, 1 to 10, within 10 seconds

  @database @gateway-control
  Scenario: A payment whose answer a throttled link delays past our timeout is rolled back, and the late charge voided
    Given a concert with 10 seats is on sale
    And Alice has started shopping
    And Alice reserves seat A1
    And the payment provider approves payments
    When the link from the payment provider to the core service is throttled to 500 bits a second
    And Alice tries to pay for her reservation
    Then the request is refused with 504 PAYMENT_TIMEOUT
    And Alice's reservation is CANCELLED
    And seat A1 is AVAILABLE
    When the network is whole again
    Then the late charge is voided
    And nothing was charged
