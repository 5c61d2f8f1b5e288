Feature: Queue tokens cannot be forged, altered, reused or shared
  A queue token is a fan's proof of their place. It is signed by the waiting room, so nobody can
  make one up, change whose or which concert's it is, keep using it after leaving, or call
  operator functions without the operators' key. Every refused attempt changes nothing.

  Background:
    Given a concert with 100 seats is on sale

  Rule: Only genuine, unaltered tokens are accepted

    Background:
      Given admission to the concert is paused
      And Alice enters the queue

    Scenario: A token whose contents were altered is refused
      When Mallory presents Alice's token with its contents altered to name Mallory
      Then the waiting room refuses it as "TOKEN_INVALID"
      And Alice is WAITING at position 1

    Scenario: A token whose signature was altered is refused
      When Mallory presents Alice's token with its signature altered
      Then the waiting room refuses it as "TOKEN_INVALID"
      And Alice is WAITING at position 1

    Scenario: A token signed with another key is refused
      When Mallory presents a token for Alice's place signed with a key of her own
      Then the waiting room refuses it as "TOKEN_INVALID"
      And Alice is WAITING at position 1

    Scenario: A token made for another concert is refused
      When Mallory presents Alice's token altered to name another concert
      Then the waiting room refuses it as "TOKEN_INVALID"

    Scenario: Nonsense in place of a token is refused
      When Mallory presents "v1.not-a-token.at-all" as a token
      Then the waiting room refuses it as "TOKEN_INVALID"
      When Mallory presents no token
      Then the waiting room refuses it as "TOKEN_MISSING"

  Rule: A token ends with its entry

    Scenario: A token cannot be replayed after its holder left the queue
      Given admission to the concert is paused
      And Alice enters the queue
      When Alice gives up her place in the queue
      Then Alice's old token is refused everywhere as expired
      When Alice enters the queue
      Then the entry is accepted as new
      And Alice's previous token is still refused as expired

    Scenario: A token cannot be replayed after its booking was completed
      Given Alice has been let in and is active
      And Alice has bought a seat
      Then Alice's old token is refused everywhere as expired

  Rule: A token is good for its own concert only

    Scenario: A fan cannot use their token to book for another concert
      Given a second concert is on sale
      And Alice has been let in and is active
      When Alice asks for the seats of the second concert with her token
      Then the booking service refuses it as "TOKEN_WRONG_CONCERT"

  Rule: Operator functions need the operators' key

    Scenario Outline: An operator call with <credentials> is refused and changes nothing
      When someone calls "<operation>" with <credentials>
      Then the call is refused as "ADMIN_UNAUTHORIZED"
      And the concert's waiting room is unchanged

      Examples:
        | operation                | credentials            |
        | create a concert         | no credentials         |
        | create a concert         | a wrong key            |
        | pause admission          | no credentials         |
        | pause admission          | a wrong key            |
        | pause admission          | a fan's queue token    |
        | change the queue policy  | a wrong key            |
        | change the queue policy  | the key with a suffix  |
        | read the queue figures   | a wrong key            |
        | resume admission         | a non-Bearer scheme    |
