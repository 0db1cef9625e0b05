package com.salesstream.pipeline;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import io.quarkus.arc.Arc;

/** Kafka's side of {@link PollPacing}: a poll that brought records waits there for its turn to be queued. */
public class PollPacingInterceptor implements ConsumerInterceptor<Object, Object> {

    private PollPacing pacing;

    @Override
    public void configure(Map<String, ?> configs) {
        pacing = Arc.container().instance(PollPacing.class).get();
    }

    @Override
    public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
        if (!records.isEmpty()) {
            pacing.polled();
        }
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    }

    @Override
    public void close() {
    }
}
