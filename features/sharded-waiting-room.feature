Feature: One concert's waiting room spread over several Redis masters
  A concert that expects more fans than one Redis master can serve spreads its waiting line over
  several shards (the policy's shards), each on a master of its own. The rules stay the same:
  first come, first served in real time whichever queue server a fan reaches; exact positions
  that only fall; never more fans let in than allowed, nor anyone twice, even while the servers'
  promoters race or one of them dies halfway; the pre-queue's draw. Once fans have entered, the
  number of shards is fixed.

  Background:
    Given a concert with 100 seats is on sale

  Scenario: Fans spread over every shard are let in strictly in the order they arrived
    Given the waiting room is spread over 3 shards
    And the waiting room lets at most 5 fans in at a time
    And the waiting room admits up to 100 fans a second
    And admission to the concert is paused
    When 40 fans enter the queue
    Then the 40 fans wait over all 3 shards, at positions 1 to 40 in the order they arrived
    When admission to the concert is resumed
    Then as the fans who were let in leave, the 40 fans are let in 5 at a time, in the order they arrived

  Scenario: Fans entering at the same instant through every queue server wait exactly where they were told
    Given the waiting room is spread over 3 shards
    And admission to the concert is paused
    When 60 fans enter the queue at the same instant, taking turns across every queue server
    Then the 60 fans are still where they were told, at positions 1 to 60
    And the queue statistics show 60 waiting over 3 shards, none of them empty

  @chaos @infra
  Scenario: Fans keep the order they arrived in when one master's clock runs ahead of the others
    Given the waiting room is spread over 3 shards
    And the waiting room lets at most 1 fan in at a time
    And admission to the concert is paused
    And the master of Ann's shard stamps arrivals as if its clock ran 10 seconds ahead
    When Ann, Ben, Cat, Dan, Eve, Fay, Gus and Hal enter the queue in that order
    Then Ann, Ben, Cat, Dan, Eve, Fay, Gus and Hal are waiting at positions 1 to 8
    When admission to the concert is resumed
    Then as each fan who was let in leaves, the next is let in: Ann, Ben, Cat, Dan, Eve, Fay, Gus and Hal

  @several-queue-servers
  Scenario: The promoters of every queue server race, and still let in no more than allowed, nobody twice, in order
    Given the waiting room is spread over 3 shards
    And the waiting room lets at most 4 fans in at a time
    And the waiting room admits up to 1000 fans a second
    And admission to the concert is paused
    And 40 fans enter the queue one after another, taking turns across every queue server
    When admission to the concert is resumed
    Then as the fans who were let in leave, the 40 fans are let in 4 at a time, in the order they arrived
    And the queue statistics show 40 admitted, 40 exited and 0 waiting

  @chaos @infra
  Scenario: A promoter dies between the shards of a batch: the next run lets its fans in, once and in order
    Given the waiting room is spread over 3 shards
    And the waiting room lets at most 6 fans in at a time
    And admission to the concert is paused
    And 30 fans enter the queue
    When admission resumes and the first promoter to act dies after taking fans off one shard, its claim on the batch lasting 1 second
    Then within 3 seconds the first 6 of the 30 fans are let in, though none of them asked
    And the other 24 of the 30 fans wait at positions 1 to 24 in the order they arrived
    And the queue statistics show 6 ready, 6 admitted and 24 waiting

  @chaos @infra
  Scenario: A fan taken off her shard by a promoter that died is let in the moment she asks
    Given the waiting room is spread over 3 shards
    And the waiting room lets at most 6 fans in at a time
    And admission to the concert is paused
    And 30 fans enter the queue
    When admission resumes and the first promoter to act dies after taking fans off one shard, its claim on the batch lasting 30 seconds
    Then a fan it took off her shard is let in the moment she checks her place
    And the other 24 of the 30 fans wait at positions 1 to 24 in the order they arrived
    And the queue statistics show 6 ready, 6 admitted and 24 waiting

  @chaos @infra
  Scenario: A fan taken off her shard by a promoter that died, entering again, is let in with the token she had
    Given the waiting room is spread over 3 shards
    And the waiting room lets at most 6 fans in at a time
    And admission to the concert is paused
    And 30 fans enter the queue
    When admission resumes and the first promoter to act dies after taking fans off one shard, its claim on the batch lasting 30 seconds
    Then a fan it took off her shard, entering again, is let in at once with the token she had
    And the other 24 of the 30 fans wait at positions 1 to 24 in the order they arrived
    And the queue statistics show 6 ready, 6 admitted and 24 waiting

  @chaos @serial @infra
  Scenario: The master of one shard dies: shoppers keep shopping, and nobody told they have a place loses it
    Given the waiting room is spread over 3 shards
    And 10 fans have started shopping
    And admission to the concert is paused
    And fans keep entering and checking their place in the queue
    When the Redis master holding the shard some of the 10 fans waited on, and no other part of the room, fails
    Then the 10 fans keep shopping while a replica takes over that shard within 30 seconds
    And the waiting room serves fans again within 5 seconds of the takeover
    And while it happened every request was answered within 2 seconds, by success or "SERVICE_UNAVAILABLE"
    And every fan whose entry was acknowledged still has their place in the queue

  Scenario: A pre-queue split over the shards opens in the order of the published draw
    Given the waiting room is spread over 3 shards
    And the concert's sale starts in 4 seconds
    And admission to the concert is paused
    When 40 fans enter the queue
    Then the 40 fans are in the pre-queue
    And the operator sees a commitment to the draw, but not its seed
    When the sale starts
    Then the queue statistics show 40 waiting over 3 shards, none of them empty
    And the 40 fans wait in the order of the published draw, which matches the commitment, not in the order they arrived

  Scenario: The number of shards can change until a fan enters, and then it is fixed
    Given the waiting room is spread over 3 shards
    And admission to the concert is paused
    When the operator spreads the waiting room over 2 shards instead
    And Ann enters the queue
    And the operator tries to spread the waiting room over 4 shards
    Then the request is refused with 409 SHARDS_LOCKED
    And the waiting room policy is unchanged
    And the queue statistics show 1 waiting over 2 shards
