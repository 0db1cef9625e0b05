package com.salesstream.pipeline;

import static com.salesstream.pipeline.PartitionAssignments.NOT_OWNED;
import static com.salesstream.pipeline.PartitionAssignments.NO_STORED_OFFSET;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Which partitions this instance counts, under which generation, from which stored offset. */
class PartitionAssignmentsTest {

    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);

    private final PartitionAssignments assignments = new PartitionAssignments();

    @Test
    void eachAssignmentCountsUnderANewerGenerationAndOnlyTheNewestIsCurrent() {
        assignments.assigned(P0, 5);
        long first = assignments.generation(P0);
        assignments.assigned(P1, 9);
        assignments.assigned(P0, 7);
        long second = assignments.generation(P0);

        assertThat(first).isNotEqualTo(NOT_OWNED);
        assertThat(second).isGreaterThan(first).isNotEqualTo(assignments.generation(P1));
        assertThat(assignments.isCurrent(P0, second)).isTrue();
        assertThat(assignments.isCurrent(P0, first)).as("read under the older assignment").isFalse();
        assertThat(assignments.storedOffset(P0)).isEqualTo(7);
    }

    @Test
    void aSaveUnderTheCurrentAssignmentMovesTheStoredOffsetPastItsLastRecord() {
        assignments.assigned(P0, 5);
        PartitionTotals totals = totals(P0, assignments.generation(P0), 12);

        assignments.saved(totals);

        assertThat(assignments.storedOffset(P0)).isEqualTo(13);
        assertThat(assignments.isCurrent(totals)).as("the generation stays").isTrue();
    }

    @Test
    void totalsOfAnOlderAssignmentAreStaleAndTheirSaveLeavesTheStoredOffset() {
        assignments.assigned(P0, 5);
        PartitionTotals stale = totals(P0, assignments.generation(P0), 12);
        assignments.assigned(P0, 20);

        assignments.saved(stale);

        assertThat(assignments.isCurrent(stale)).isFalse();
        assertThat(assignments.storedOffset(P0)).isEqualTo(20);
    }

    @Test
    void aRevokedOrUnknownPartitionIsNotOwnedAndNothingReadFromItIsCurrent() {
        assignments.assigned(P0, 5);
        long before = assignments.generation(P0);

        assignments.revoked(List.of(P0));

        assertThat(assignments.generation(P0)).isEqualTo(NOT_OWNED);
        assertThat(assignments.storedOffset(P0)).isEqualTo(NO_STORED_OFFSET);
        assertThat(assignments.isCurrent(P0, before)).isFalse();
        // NOT_OWNED equals the generation of a partition not owned: it must still never count.
        assertThat(assignments.isCurrent(P0, NOT_OWNED)).isFalse();
        assertThat(assignments.isCurrent(P1, NOT_OWNED)).isFalse();
        assignments.saved(totals(P0, before, 12));
        assertThat(assignments.generation(P0)).as("a late save does not bring it back").isEqualTo(NOT_OWNED);
    }

    @Test
    void aPartitionAwaitingItsStoredOffsetCountsNothingUntilItsTicketIsHonouredOnce() {
        assignments.assigned(P0, 5);
        long counting = assignments.generation(P0);

        long ticket = assignments.awaitStoredOffset(P0);

        assertThat(assignments.generation(P0)).isEqualTo(NOT_OWNED);
        assertThat(assignments.isCurrent(P0, counting)).isFalse();
        assertThat(assignments.storedOffset(P0)).isEqualTo(NO_STORED_OFFSET);

        assertThat(assignments.assignedIf(P0, ticket, 42)).isTrue();
        long healed = assignments.generation(P0);
        assertThat(healed).isGreaterThan(ticket);
        assertThat(assignments.storedOffset(P0)).isEqualTo(42);

        assertThat(assignments.assignedIf(P0, ticket, 50)).as("a ticket is good for one answer").isFalse();
        assertThat(assignments.generation(P0)).isEqualTo(healed);
        assertThat(assignments.storedOffset(P0)).isEqualTo(42);
    }

    @Test
    void aRebalanceAfterTheTicketWinsOverTheLateAnswer() {
        assignments.assignedAwaiting(P0);
        long ticket = assignments.awaitStoredOffset(P0);
        assignments.assigned(P0, 10);
        long rebalanced = assignments.generation(P0);

        assertThat(assignments.assignedIf(P0, ticket, 99)).isFalse();

        assertThat(assignments.generation(P0)).isEqualTo(rebalanced);
        assertThat(assignments.storedOffset(P0)).isEqualTo(10);
    }

    @Test
    void aRevocationAfterTheTicketWinsOverTheLateAnswer() {
        assignments.assignedAwaiting(P0);
        long ticket = assignments.awaitStoredOffset(P0);
        assignments.revoked(List.of(P0));

        assertThat(assignments.assignedIf(P0, ticket, 99)).isFalse();

        assertThat(assignments.generation(P0)).isEqualTo(NOT_OWNED);
    }

    @Test
    void aNewerTicketForThePartitionMakesTheOlderOneWorthless() {
        assignments.assignedAwaiting(P0);
        long older = assignments.awaitStoredOffset(P0);
        long newer = assignments.awaitStoredOffset(P0);

        assertThat(assignments.assignedIf(P0, older, 1)).isFalse();
        assertThat(assignments.assignedIf(P0, newer, 2)).isTrue();
        assertThat(assignments.storedOffset(P0)).isEqualTo(2);
    }

    @Test
    void aTicketOfAnotherPartitionDoesNotAssignThisOne() {
        assignments.assignedAwaiting(P0);
        assignments.assignedAwaiting(P1);
        long ticketOfP0 = assignments.awaitStoredOffset(P0);
        assignments.awaitStoredOffset(P1);

        assertThat(assignments.assignedIf(P1, ticketOfP0, 7)).isFalse();
        assertThat(assignments.generation(P1)).isEqualTo(NOT_OWNED);
    }

    @Test
    void theWaitReportedIsTheLongestAwaitingPartitionsAndNoneOnceEachIsSettled() {
        assignments.assigned(P0, 5);
        assignments.assigned(P1, 9);
        assertThat(assignments.awaitingSince()).as("counting partitions wait for nothing").isZero();

        long before = System.nanoTime();
        long ticketOfP0 = assignments.awaitStoredOffset(P0);
        long between = System.nanoTime();
        assignments.awaitStoredOffset(P1);

        assertThat(assignments.awaitingSince()).isBetween(before, between);
        assignments.assignedIf(P0, ticketOfP0, 5);
        assertThat(assignments.awaitingSince()).as("now P1's wait").isGreaterThanOrEqualTo(between);
        assignments.revoked(List.of(P1));
        assertThat(assignments.awaitingSince()).isZero();
    }

    private static PartitionTotals totals(TopicPartition partition, long generation, long lastOffset) {
        PartitionTotals totals = new PartitionTotals(partition, generation);
        totals.skip(lastOffset);
        return totals;
    }
}
