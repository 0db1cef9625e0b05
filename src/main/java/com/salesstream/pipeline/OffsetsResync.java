package com.salesstream.pipeline;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.salesstream.Channels;
import com.salesstream.PipelineMetrics;
import com.salesstream.Retries;

import io.smallrye.mutiny.Multi;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;

/**
 * Puts every partition Kafka assigns to this instance at the offset stored with the last committed aggregates, and
 * puts it back there whenever this instance stops knowing that offset: MySQL away during the rebalance, or a save
 * that found the stored offset moved (another instance, or this one's own commit whose answer was lost). Ownership
 * heals itself: a partition is never kept assigned without being counted.
 */
@ApplicationScoped
class OffsetsResync {

    private static final Logger LOG = Logger.getLogger(OffsetsResync.class);

    private final StoredOffsets offsets;
    private final PartitionAssignments assignments;
    private final KafkaClientService kafka;
    private final Retries retries;
    private final PipelineMetrics metrics;
    private final String offsetReset;

    OffsetsResync(StoredOffsets offsets, PartitionAssignments assignments, KafkaClientService kafka, Retries retries,
            PipelineMetrics metrics,
            @ConfigProperty(name = "mp.messaging.incoming." + Channels.ORDERS_IN + ".auto.offset.reset") String offsetReset) {
        this.offsets = offsets;
        this.assignments = assignments;
        this.kafka = kafka;
        this.retries = retries;
        this.metrics = metrics;
        this.offsetReset = offsetReset;
    }

    /** On the polling thread: seeks each partition to its stored offset and counts it from there. */
    void seek(Consumer<?, ?> consumer, Collection<TopicPartition> partitions, Map<TopicPartition, Long> stored) {
        partitions.forEach(partition -> seekOne(consumer, partition, stored.get(partition), PartitionAssignments.NOT_OWNED));
    }

    /**
     * Stops counting the partitions at once (records already polled from them are dropped) and, in the background,
     * reads their stored offsets, retried while MySQL is away, then seeks each partition there on its polling thread
     * if Kafka still assigns it here. A rebalance in between wins: it seeks by itself.
     */
    void heal(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> tickets = new HashMap<>();
        partitions.forEach(partition -> tickets.put(partition, assignments.awaitStoredOffset(partition)));
        String topic = partitions.iterator().next().topic();
        LOG.warnf("Partitions %s: stored offsets not known here any more; reading them again", partitions);
        retries.untilDoneInMysqlTime("Reading the stored offsets of " + partitions, offsets.read(topic))
                .chain(stored -> Multi.createFrom().iterable(kafka.<Object, Object> getConsumers(Channels.ORDERS_IN))
                        .onItem().transformToUniAndMerge(consumer -> consumer.runOnPollingThread(client -> {
                            Set<TopicPartition> owned = client.assignment();
                            tickets.forEach((partition, ticket) -> {
                                if (owned.contains(partition)) {
                                    seekOne(client, partition, stored.get(partition), ticket);
                                    client.resume(List.of(partition));
                                }
                            });
                        }))
                        .collect().last())
                .subscribe().with(done -> {
                }, failure -> LOG.errorf(failure, "Healing %s failed; the next rebalance seeks them", partitions));
    }

    /**
     * Seeks to the stored offset; to the beginning when none is stored (nothing of the partition is in MySQL yet).
     * A stored offset outside the log (the topic was deleted and created again, or retention removed the records)
     * follows auto.offset.reset and is counted.
     */
    private void seekOne(Consumer<?, ?> consumer, TopicPartition partition, Long stored, long ticket) {
        long storedOffset = stored == null ? PartitionAssignments.NO_STORED_OFFSET : stored;
        if (ticket != PartitionAssignments.NOT_OWNED && !assignments.assignedIf(partition, ticket, storedOffset)) {
            return; // revoked or assigned anew meanwhile: that rebalance sought it
        }
        if (stored == null) {
            consumer.seekToBeginning(List.of(partition));
        } else if (outsideLog(consumer, partition, stored)) {
            metrics.offsetOutOfRange();
            if ("latest".equals(offsetReset)) {
                consumer.seekToEnd(List.of(partition));
            } else {
                consumer.seekToBeginning(List.of(partition));
            }
        } else {
            consumer.seek(partition, stored);
        }
        if (ticket == PartitionAssignments.NOT_OWNED) {
            assignments.assigned(partition, storedOffset);
        }
    }

    private static boolean outsideLog(Consumer<?, ?> consumer, TopicPartition partition, long stored) {
        long first = consumer.beginningOffsets(List.of(partition)).get(partition);
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        if (stored >= first && stored <= end) {
            return false;
        }
        LOG.warnf("The stored offset %d of %s is outside its log [%d, %d] (topic recreated, or records expired): "
                + "resuming as auto.offset.reset says", stored, partition, first, end);
        return true;
    }
}
