package com.salesstream.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.salesstream.Channels;
import com.salesstream.PipelineMetrics;
import com.salesstream.Retries;
import com.salesstream.SalesConfig;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;

/**
 * Puts every partition Kafka assigns to this instance at the offset stored with the last committed aggregates, and
 * puts it back there whenever this instance stops knowing that offset: MySQL away during the rebalance, the log's
 * bounds not known (its leader away), or a save that found the stored offset moved (another instance, or this one's
 * own commit whose answer was lost). A partition counts only once it was really sought; until then it awaits and is
 * healed again. Ownership heals itself: a partition is never kept assigned without being counted or awaiting, and
 * a partition no longer assigned here is never healed back.
 */
@ApplicationScoped
class OffsetsResync {

    /**
     * Longest wait for a partition's log bounds (a ListOffsets request) on the polling thread. The consumer's own
     * default.api.timeout.ms is a minute, as long as a lost broker's partitions lack a leader: the polling thread
     * (rebalances, heals, the stop) would be held all that time. Failing sooner only means healing again later.
     */
    static final Duration LOG_BOUNDS_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger LOG = Logger.getLogger(OffsetsResync.class);

    private final StoredOffsets offsets;
    private final PartitionAssignments assignments;
    private final KafkaClientService kafka;
    private final Retries retries;
    private final PipelineMetrics metrics;
    private final SalesConfig.Pipeline config;
    private final String offsetReset;

    OffsetsResync(StoredOffsets offsets, PartitionAssignments assignments, KafkaClientService kafka, Retries retries,
            PipelineMetrics metrics, SalesConfig config,
            @ConfigProperty(name = "mp.messaging.incoming." + Channels.ORDERS_IN + ".auto.offset.reset") String offsetReset) {
        this.offsets = offsets;
        this.assignments = assignments;
        this.kafka = kafka;
        this.retries = retries;
        this.metrics = metrics;
        this.config = config.pipeline();
        this.offsetReset = offsetReset;
    }

    /**
     * On the polling thread, as Kafka assigns the partitions: seeks each to its stored offset and counts it from
     * there. One that cannot be sought now awaits, paused, and is healed.
     */
    void seek(Consumer<?, ?> consumer, Collection<TopicPartition> partitions, Map<TopicPartition, Long> stored) {
        List<TopicPartition> unsought = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            Long offset = stored.get(partition);
            if (seekTo(consumer, partition, offset)) {
                assignments.assigned(partition, offset == null ? PartitionAssignments.NO_STORED_OFFSET : offset);
            } else {
                unsought.add(partition);
            }
        }
        if (!unsought.isEmpty()) {
            awaitAssigned(consumer, unsought);
        }
    }

    /**
     * On the polling thread, as Kafka assigns the partitions: they are this instance's now, but not counted and
     * paused until they are sought to their stored offsets ({@link #heal}).
     */
    void awaitAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        partitions.forEach(assignments::assignedAwaiting);
        consumer.pause(partitions);
        heal(partitions);
    }

    /**
     * Stops counting the partitions at once (records already polled from them are dropped) and, in the background,
     * reads their stored offsets, retried while MySQL is away, then seeks each partition there on its polling thread
     * if Kafka still assigns it here; one whose log bounds cannot be looked up is tried again with backoff until it
     * is sought. A rebalance in between wins: it seeks by itself. Partitions no longer assigned here are left alone.
     */
    void heal(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> tickets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            long ticket = assignments.awaitStoredOffset(partition);
            if (ticket != PartitionAssignments.NOT_OWNED) {
                tickets.put(partition, ticket);
            }
        }
        if (tickets.isEmpty()) {
            return; // revoked meanwhile: their stored offsets are another owner's business
        }
        String topic = tickets.keySet().iterator().next().topic();
        LOG.warnf("Partitions %s: stored offsets not known here any more; reading them again", tickets.keySet());
        retries.untilDoneInMysqlTime("Reading the stored offsets of " + tickets.keySet(), offsets.read(topic))
                .chain(stored -> seekOnPollingThreads(tickets, stored))
                .onFailure(Unsought.class).retry().withBackOff(config.minRetryBackoff(), config.maxRetryBackoff()).indefinitely()
                .subscribe().with(done -> {
                }, failure -> LOG.errorf(failure, "Healing %s failed; the next rebalance seeks them", tickets.keySet()));
    }

    /** Seeks the partitions still awaiting under their tickets; fails with {@link Unsought} while any could not be. */
    private Uni<Void> seekOnPollingThreads(Map<TopicPartition, Long> tickets, Map<TopicPartition, Long> stored) {
        return Multi.createFrom().iterable(kafka.<Object, Object> getConsumers(Channels.ORDERS_IN))
                .onItem().transformToUniAndMerge(consumer -> consumer.runOnPollingThread(
                        (Function<Consumer<Object, Object>, List<TopicPartition>>) client -> seekAwaiting(client, tickets, stored)))
                .collect().in(ArrayList<TopicPartition>::new, List::addAll)
                .invoke(unsought -> {
                    if (!unsought.isEmpty()) {
                        throw new Unsought(unsought);
                    }
                })
                .replaceWithVoid();
    }

    /** On the polling thread of {@code client}: returns the partitions it owns that await and could not be sought. */
    private List<TopicPartition> seekAwaiting(Consumer<?, ?> client, Map<TopicPartition, Long> tickets, Map<TopicPartition, Long> stored) {
        List<TopicPartition> unsought = new ArrayList<>();
        Set<TopicPartition> owned = client.assignment();
        tickets.forEach((partition, ticket) -> {
            if (!owned.contains(partition) || !assignments.awaits(partition, ticket)) {
                return; // revoked, assigned anew or healed again meanwhile: that rebalance or heal seeks it
            }
            Long offset = stored.get(partition);
            if (!seekTo(client, partition, offset)) {
                unsought.add(partition);
            } else if (assignments.assignedIf(partition, ticket, offset == null ? PartitionAssignments.NO_STORED_OFFSET : offset)) {
                client.resume(List.of(partition));
            }
        });
        return unsought;
    }

    /**
     * Seeks to the stored offset; to the beginning when none is stored (nothing of the partition is in MySQL yet).
     * A stored offset outside the log (the topic was deleted and created again, or retention removed the records)
     * follows auto.offset.reset and is counted. Returns false, having moved nothing, when the log's bounds could not
     * be looked up: the partition must not count from wherever the consumer happens to be.
     */
    private boolean seekTo(Consumer<?, ?> consumer, TopicPartition partition, Long stored) {
        if (stored == null) {
            consumer.seekToBeginning(List.of(partition));
            return true;
        }
        boolean outside;
        try {
            outside = outsideLog(consumer, partition, stored);
        } catch (RuntimeException e) {
            LOG.warnf("The log bounds of %s cannot be looked up (%s): not counted until it is sought to %d",
                    partition, e.toString(), stored);
            return false;
        }
        if (!outside) {
            consumer.seek(partition, stored);
        } else {
            metrics.offsetOutOfRange();
            if ("latest".equals(offsetReset)) {
                consumer.seekToEnd(List.of(partition));
            } else {
                consumer.seekToBeginning(List.of(partition));
            }
        }
        return true;
    }

    private static boolean outsideLog(Consumer<?, ?> consumer, TopicPartition partition, long stored) {
        long first = consumer.beginningOffsets(List.of(partition), LOG_BOUNDS_TIMEOUT).get(partition);
        long end = consumer.endOffsets(List.of(partition), LOG_BOUNDS_TIMEOUT).get(partition);
        if (stored >= first && stored <= end) {
            return false;
        }
        LOG.warnf("The stored offset %d of %s is outside its log [%d, %d] (topic recreated, or records expired): "
                + "resuming as auto.offset.reset says", stored, partition, first, end);
        return true;
    }

    /** Partitions still awaiting: their log bounds could not be looked up. */
    static final class Unsought extends RuntimeException {
        Unsought(Collection<TopicPartition> partitions) {
            super("Not sought yet: " + partitions, null, false, false);
        }
    }
}
