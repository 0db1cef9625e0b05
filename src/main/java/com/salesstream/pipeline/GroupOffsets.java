package com.salesstream.pipeline;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import com.salesstream.Channels;

import io.smallrye.mutiny.Uni;
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

    /** Best effort: a failed commit is only logged, the next window commits further. */
    Uni<Void> commit(List<PartitionTotals> saved) {
        Map<TopicPartition, OffsetAndMetadata> offsets = saved.stream().collect(Collectors.toMap(
                totals -> totals.partition, totals -> new OffsetAndMetadata(totals.lastOffset + 1)));
        return kafka.getConsumer(Channels.ORDERS_IN).commitAsync(offsets)
                .onFailure().recoverWithUni(e -> {
                    LOG.debugf("Committing %s to the consumer group failed: %s", offsets, e);
                    return Uni.createFrom().voidItem();
                });
    }
}
