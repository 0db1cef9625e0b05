package com.salesstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.salesstream.PipelineMetrics.Sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;

/** The one retry recipe of every store call, on operations that fail as often as the test says; no servers. */
class RetriesTest {

    private static final Duration BOUND = Duration.ofSeconds(5);
    /** Backoffs short enough that a dozen retries take well under a second. */
    private static final Map<String, String> FAST = Map.of(
            "sales.pipeline.min-retry-backoff", "1ms", "sales.pipeline.max-retry-backoff", "5ms");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Logs logs = new Logs(Retries.class);
    /** System.nanoTime() of each subscription to the operation, i.e. of each attempt. */
    private final List<Long> attempts = new CopyOnWriteArrayList<>();

    @AfterEach
    void detachLogs() {
        logs.close();
    }

    @Test
    void aFailingOperationIsTriedAgainUntilItSucceedsAndEachFailureIsCountedForItsSink() {
        String result = retries(FAST).untilDone(Sink.CASSANDRA, "Writing orders", failingTimes(3)).await().atMost(BOUND);

        assertThat(result).isEqualTo("done");
        assertThat(attempts).hasSize(4);
        assertThat(retried(Sink.CASSANDRA)).isEqualTo(3);
        assertThat(retried(Sink.MYSQL)).isZero();
    }

    @Test
    void anOutageIsOneWarningThenDebugLinesThenOneRecoveryLine() {
        retries(FAST).untilDone(Sink.MYSQL, "Saving a window", failingTimes(3)).await().atMost(BOUND);

        assertThat(logs.at(Level.WARNING)).containsExactly("Saving a window failed, retrying with backoff: java.io.IOException: server away");
        assertThat(logs.at(Level.FINE)).containsExactly(
                "Saving a window failed again (2): java.io.IOException: server away",
                "Saving a window failed again (3): java.io.IOException: server away");
        assertThat(logs.at(Level.INFO)).containsExactly("Saving a window succeeded after 3 failed attempts");
    }

    @Test
    void anOperationThatSucceedsAtOnceIsNeitherCountedNorLogged() {
        String result = retries(FAST).untilDone(Sink.MYSQL, "Saving a window", failingTimes(0)).await().atMost(BOUND);

        assertThat(result).isEqualTo("done");
        assertThat(attempts).hasSize(1);
        assertThat(retried(Sink.MYSQL)).isZero();
        assertThat(logs.records).isEmpty();
    }

    @Test
    void thePauseBetweenAttemptsStaysBetweenMinAndMaxRetryBackoff() {
        Retries retries = retries(Map.of("sales.pipeline.min-retry-backoff", "5ms", "sales.pipeline.max-retry-backoff", "20ms"));

        // 12 pauses of at most 20 ms: about a quarter of a second. Doubling without the cap would take 20 s.
        retries.untilDone(Sink.MYSQL, "Saving a window", failingTimes(12)).await().atMost(BOUND);

        assertThat(attempts).hasSize(13);
        for (int i = 1; i < attempts.size(); i++) {
            assertThat(Duration.ofNanos(attempts.get(i) - attempts.get(i - 1))).as("pause before attempt %d", i + 1)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(5));
        }
    }

    @Test
    void anyFailureIsRetriedEvenOneNoRetryCanCureUntilTheCallerCancels() {
        Uni<String> broken = Uni.createFrom().deferred(() -> {
            attempts.add(System.nanoTime());
            return Uni.createFrom().failure(new IllegalArgumentException("a statement MySQL can never run"));
        });

        UniAssertSubscriber<String> caller = retries(FAST).untilDone(Sink.MYSQL, "A bad statement", broken)
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        await().atMost(BOUND).until(() -> attempts.size() >= 5);
        caller.assertNotTerminated();

        caller.cancel();
        int atCancel = attempts.size();
        // A retry already under way may still subscribe once; at 5 ms pauses, going on would add about 20 here.
        await().during(Duration.ofMillis(100)).atMost(BOUND).until(() -> attempts.size() <= atCancel + 1);
        caller.assertNotTerminated();
    }

    @Test
    void aMysqlAttemptThatNeverAnswersIsGivenUpAfterTheMysqlTimeoutAndTriedAgain() {
        Retries retries = retries(Map.of("sales.pipeline.mysql-timeout", "50ms",
                "sales.pipeline.min-retry-backoff", "1ms", "sales.pipeline.max-retry-backoff", "5ms"));
        AtomicBoolean firstCancelled = new AtomicBoolean();
        Uni<String> firstHangs = Uni.createFrom().deferred(() -> {
            attempts.add(System.nanoTime());
            return attempts.size() == 1
                    ? Uni.createFrom().<String> nothing().onCancellation().invoke(() -> firstCancelled.set(true))
                    : Uni.createFrom().item("done");
        });

        String result = retries.untilDoneInMysqlTime("Reading the stored offsets", firstHangs).await().atMost(BOUND);

        assertThat(result).isEqualTo("done");
        assertThat(attempts).hasSize(2);
        assertThat(Duration.ofNanos(attempts.get(1) - attempts.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(50));
        assertThat(firstCancelled).as("the attempt given up is cancelled, not left running").isTrue();
        assertThat(retried(Sink.MYSQL)).isEqualTo(1);
        assertThat(logs.at(Level.WARNING)).singleElement().asString()
                .contains("java.util.concurrent.TimeoutException: Reading the stored offsets took more than PT0.05S");
    }

    @Test
    void aCallerWhoseFirstAttemptFailedIsCountedAtOnceAndPausesBeforeTheNextAttempt() {
        Retries retries = retries(Map.of("sales.pipeline.min-retry-backoff", "50ms", "sales.pipeline.max-retry-backoff", "100ms"));
        long called = System.nanoTime();

        String result = retries.afterFailure(Sink.CASSANDRA, "A Cassandra batch", new IOException("write timeout"), failingTimes(1))
                .await().atMost(BOUND);

        assertThat(result).isEqualTo("done");
        assertThat(attempts).hasSize(2);
        assertThat(Duration.ofNanos(attempts.get(0) - called)).as("min-retry-backoff before the first retry")
                .isGreaterThanOrEqualTo(Duration.ofMillis(50));
        assertThat(retried(Sink.CASSANDRA)).as("the caller's failure and the retry's").isEqualTo(2);
        assertThat(logs.at(Level.WARNING)).containsExactly("A Cassandra batch failed, retrying with backoff: java.io.IOException: write timeout");
        assertThat(logs.at(Level.INFO)).containsExactly("A Cassandra batch succeeded after 2 failed attempts");
    }

    /** Polled every 5 ms: a wait lasts about as long as what it waits for, not Awaitility's 100 ms steps. */
    private static ConditionFactory await() {
        return Awaitility.await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
    }

    private Retries retries(Map<String, String> properties) {
        return new Retries(new PipelineMetrics(registry), TestConfig.with(properties));
    }

    /** Fails its first {@code failures} attempts, then answers "done". */
    private Uni<String> failingTimes(int failures) {
        return Uni.createFrom().deferred(() -> {
            attempts.add(System.nanoTime());
            return attempts.size() <= failures
                    ? Uni.createFrom().failure(new IOException("server away"))
                    : Uni.createFrom().item("done");
        });
    }

    private double retried(Sink sink) {
        Counter counter = registry.find("sales.store.retries").tag("sink", sink.tag()).counter();
        return counter == null ? 0 : counter.count();
    }

    /** What one logger says, DEBUG included, while the test runs. */
    private static final class Logs extends Handler {
        final List<LogRecord> records = new CopyOnWriteArrayList<>();
        private final java.util.logging.Logger logger;
        private final Level previous;

        Logs(Class<?> source) {
            logger = java.util.logging.Logger.getLogger(source.getName());
            previous = logger.getLevel();
            logger.setLevel(Level.ALL);
            logger.setUseParentHandlers(false); // kept here, off the console: the build output stays readable
            logger.addHandler(this);
        }

        /** The formatted messages at this level; JBoss levels compare by value (WARN is WARNING, DEBUG is FINE). */
        List<String> at(Level level) {
            return records.stream().filter(record -> record.getLevel().intValue() == level.intValue())
                    .map(record -> record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage())
                    .toList();
        }

        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
            logger.setUseParentHandlers(true);
            logger.setLevel(previous);
        }
    }
}
