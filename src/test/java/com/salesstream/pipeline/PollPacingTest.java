package com.salesstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import com.salesstream.TestConfig;

/** The polling thread is held only while a polled batch still waits for the consumer, and never for long. */
class PollPacingTest {

    private static final Duration LONG_HOLD = Duration.ofSeconds(30);

    @Test
    void aPollWithNoBatchWaitingIsNotHeld() throws Exception {
        PollPacing pacing = new PollPacing(LONG_HOLD);
        poll(pacing).get(5, TimeUnit.SECONDS);
    }

    @Test
    void aPollWhileTheBatchBeforeItWaitsIsHeldUntilTheConsumerTakesThatBatch() throws Exception {
        PollPacing pacing = new PollPacing(LONG_HOLD);
        pacing.polled();
        CompletableFuture<Void> second = poll(pacing);
        assertHeld(second);
        pacing.noneWaiting();
        second.get(5, TimeUnit.SECONDS);
        assertHeld(poll(pacing)); // the second batch now waits in its turn
    }

    @Test
    void aRevocationThatDroppedTheWaitingBatchLiftsTheHold() throws Exception {
        PollPacing pacing = new PollPacing(LONG_HOLD);
        StoredOffsetsRebalanceListener listener = new StoredOffsetsRebalanceListener(null, null,
                new PartitionAssignments(), null, pacing, TestConfig.defaults());
        pacing.polled();
        CompletableFuture<Void> second = poll(pacing);
        assertHeld(second);
        listener.onPartitionsLost(null, List.of());
        second.get(5, TimeUnit.SECONDS);
    }

    @Test
    void theHoldEndsOnItsOwnWhenTheConsumerDoesNotTakeTheBatch() throws Exception {
        PollPacing pacing = new PollPacing(Duration.ofMillis(200));
        pacing.polled();
        long start = System.nanoTime();
        poll(pacing).get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void aStoppingServiceHoldsNoPollAnyMore() throws Exception {
        PollPacing pacing = new PollPacing(LONG_HOLD);
        pacing.polled();
        CompletableFuture<Void> held = poll(pacing);
        assertHeld(held);
        pacing.release();
        held.get(5, TimeUnit.SECONDS);
        poll(pacing).get(5, TimeUnit.SECONDS);
    }

    /** A poll on its own thread, as Kafka's polling thread would make it. */
    private static CompletableFuture<Void> poll(PollPacing pacing) {
        return CompletableFuture.runAsync(pacing::polled, runnable -> new Thread(runnable, "poll").start());
    }

    /** Not done within half a second, while nothing can release it (the hold is far longer). */
    private static void assertHeld(CompletableFuture<Void> poll) throws Exception {
        try {
            poll.get(500, TimeUnit.MILLISECONDS);
        } catch (TimeoutException expected) {
            return;
        }
        throw new AssertionError("the poll was not held");
    }
}
