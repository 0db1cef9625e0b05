package com.salesstream.pipeline;

import java.nio.ByteBuffer;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import io.quarkus.arc.Arc;

/**
 * Stamps every polled record with its partition's generation at the moment of the poll, on the polling thread,
 * where seeks and rebalances happen too. A batch may wait in the connector's queue while a rebalance or a heal
 * seeks its partition elsewhere: read later, it still shows the generation it was fetched under, so it is
 * recognised as stale instead of passing for what the new position reads.
 */
public class PollGenerations implements ConsumerInterceptor<Object, Object> {

    static final String HEADER = "sales-poll-generation";

    private PartitionAssignments assignments;

    @Override
    public void configure(Map<String, ?> configs) {
        assignments = Arc.container().instance(PartitionAssignments.class).get();
    }

    @Override
    public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
        for (TopicPartition partition : records.partitions()) {
            byte[] generation = ByteBuffer.allocate(Long.BYTES).putLong(assignments.generation(partition)).array();
            for (ConsumerRecord<Object, Object> record : records.records(partition)) {
                record.headers().add(HEADER, generation);
            }
        }
        return records;
    }

    /** The generation the record was polled under; NOT_OWNED when it was not stamped. */
    static long of(ConsumerRecord<?, ?> record) {
        Header header = record.headers().lastHeader(HEADER);
        return header == null ? PartitionAssignments.NOT_OWNED : ByteBuffer.wrap(header.value()).getLong();
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    }

    @Override
    public void close() {
    }
}
