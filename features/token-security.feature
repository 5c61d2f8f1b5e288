Feature: Queue tokens cannot be forged, altered, borrowed or reused
  A queue token is a fan's only proof of her place. It is signed by the waiting room, so nobody
  can make one up, change whose or which concert's it is, or borrow one from another system;
  each counterfeit is refused by every call that takes a token, on every queue server and at
  the box office, and changes nothing. (Replaying a token after leaving or after a booking:
  features/leaving-the-queue.feature, features/booking-flow.feature; a token of another concert
  at the box office: features/booking-access.feature.)

  Background:
    Given a concert with 100 seats is on sale
    And admission to the concert is paused
    And Ann enters the queue
    And Ben enters the queue

  Scenario Outline: <counterfeit> is refused everywhere and changes nothing
    When Mallory presents <counterfeit>
    Then the token is refused everywhere with 401 <code>
    And Ann and Ben are waiting at positions 1 to 2

    Examples:
      | counterfeit                                           | code          |
      | no token at all                                       | TOKEN_MISSING |
      | Ann's token with its contents altered to name Ben     | TOKEN_INVALID |
      | Ben's token with its contents altered to name Ann     | TOKEN_INVALID |
      | Ann's token altered to name another concert           | TOKEN_INVALID |
      | Ann's token with its signature altered                | TOKEN_INVALID |
      | a token for Ann's place signed with a key of her own  | TOKEN_INVALID |
      | Ann's token cut short                                 | TOKEN_INVALID |
      | a token from another system                           | TOKEN_INVALID |
      | nonsense in place of a token                          | TOKEN_INVALID |
