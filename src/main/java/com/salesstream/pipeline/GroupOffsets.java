package com.salesstream.pipeline;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import com.salesstream.Channels;

import io.smallrye.mutiny.Multi;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;

/**
 * Commits to the Kafka consumer group the offsets MySQL just stored with a window, so Kafka's tools show the real
 * progress and lag. Kafka's copy always trails MySQL's, which stays the one the pipeline resumes from.
 */
@ApplicationScoped
class GroupOffsets {

    private static final Logger LOG = Logger.getLogger(GroupOffsets.class);

    private final KafkaClientService kafka;

    GroupOffsets(KafkaClientService kafka) {
        this.kafka = kafka;
    }

    /**
     * Best effort, never fails: each consumer of the channel commits the partitions it owns; the next window retries.
     * Not awaited by the save: it runs on the polling threads, where a revocation may be waiting for that very save.
     */
    void commit(List<PartitionTotals> saved) {
        if (saved.isEmpty()) {
            return; // an empty window: no hop to the polling threads
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        saved.forEach(totals -> offsets.put(totals.partition, new OffsetAndMetadata(totals.lastOffset + 1)));
        Multi.createFrom().iterable(kafka.<Object, Object> getConsumers(Channels.ORDERS_IN))
                .onItem().transformToUniAndMerge(consumer -> consumer.runOnPollingThread(client -> {
                    Map<TopicPartition, OffsetAndMetadata> owned = new HashMap<>(offsets);
                    owned.keySet().retainAll(client.assignment());
                    if (!owned.isEmpty()) {
                        client.commitAsync(owned, null);
                    }
                }))
                .collect().last()
                .subscribe().with(done -> {
                }, e -> LOG.debugf("Committing %s to the consumer group failed: %s", offsets, e));
    }
}
