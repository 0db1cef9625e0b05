package com.salesstream.pipeline;

import java.util.Collection;
import java.util.List;
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

    private final AggregateStore store;
    private final PartitionAssignments assignments;
    private final SalesWindows windows;
    private final SalesConfig.Pipeline config;

    StoredOffsetsRebalanceListener(AggregateStore store, PartitionAssignments assignments, SalesWindows windows,
            SalesConfig config) {
        this.store = store;
        this.assignments = assignments;
        this.windows = windows;
        this.config = config.pipeline();
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        String topic = partitions.iterator().next().topic();
        Map<TopicPartition, Long> stored = store.storedOffsets(topic)
                .onFailure().retry().withBackOff(config.minRetryBackoff(), config.maxRetryBackoff()).indefinitely()
                .await().atMost(config.rebalanceTimeout());
        for (TopicPartition partition : partitions) {
            Long offset = stored.get(partition);
            if (offset != null) {
                consumer.seek(partition, offset);
                assignments.assigned(partition, offset);
            } else {
                // Nothing of this partition is in MySQL yet: every record it holds still has to be counted.
                consumer.seekToBeginning(List.of(partition));
                assignments.assigned(partition, PartitionAssignments.NO_STORED_OFFSET);
            }
        }
        LOG.infof("Assigned %s, resuming at stored offsets %s", partitions, stored);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assignments.revoked(partitions);
        try {
            windows.awaitSaving();
        } catch (TimeoutException e) {
            LOG.warnf("A window save did not finish within %s while %s were revoked", config.rebalanceTimeout(), partitions);
        }
    }
}
