package com.salesstream.pipeline;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import com.salesstream.SalesConfig;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Resumes every assigned partition at the offset stored with the last committed aggregates, so each order counts
 * exactly once in MySQL whatever Kafka committed. Runs on the Kafka polling thread, where blocking is allowed.
 */
@ApplicationScoped
@Identifier(StoredOffsetsRebalanceListener.NAME)
public class StoredOffsetsRebalanceListener implements KafkaConsumerRebalanceListener {

    public static final String NAME = "stored-offsets";

    private static final Logger LOG = Logger.getLogger(StoredOffsetsRebalanceListener.class);

    private final StoredOffsets offsets;
    private final OffsetsResync resync;
    private final PartitionAssignments assignments;
    private final SalesWindows windows;
    private final PollPacing pacing;
    private final SalesConfig.Pipeline config;

    StoredOffsetsRebalanceListener(StoredOffsets offsets, OffsetsResync resync, PartitionAssignments assignments,
            SalesWindows windows, PollPacing pacing, SalesConfig config) {
        this.offsets = offsets;
        this.resync = resync;
        this.assignments = assignments;
        this.windows = windows;
        this.pacing = pacing;
        this.config = config.pipeline();
    }

    /**
     * Seeks the partitions to their stored offsets. Without MySQL (or without their log bounds) they are paused and
     * not counted, and are sought once MySQL answers ({@link OffsetsResync#heal}): the rebalance is not held up and
     * nothing is read as if from the stored offset.
     */
    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> stored;
        try {
            stored = offsets.read(partitions.iterator().next().topic()).await().atMost(config.rebalanceTimeout());
        } catch (RuntimeException e) {
            LOG.warnf("Assigned %s, but their stored offsets cannot be read (%s): paused until MySQL answers",
                    partitions, e.toString());
            resync.awaitAssigned(consumer, partitions);
            return;
        }
        resync.seek(consumer, partitions, stored);
        LOG.infof("Assigned %s, resuming at stored offsets %s", partitions, stored);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        revoked(partitions);
        try {
            windows.awaitSaving();
        } catch (TimeoutException e) {
            LOG.warnf("A window save did not finish within %s while %s were revoked", config.rebalanceTimeout(), partitions);
        }
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        revoked(partitions);
    }

    /**
     * Forgets the partitions at once, before any wait: from here on nothing this instance does (a save that conflicts
     * and heals, a late heal) may count or await them again; only Kafka assigning them here does. The connector
     * drops the queued records of revoked partitions: the batch that waited may be gone.
     */
    private void revoked(Collection<TopicPartition> partitions) {
        assignments.revoked(partitions);
        pacing.noneWaiting();
    }
}
