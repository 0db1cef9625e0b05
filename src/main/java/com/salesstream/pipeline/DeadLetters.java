package com.salesstream.pipeline;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import com.salesstream.Channels;
import com.salesstream.PipelineMetrics;
import com.salesstream.PipelineMetrics.Sink;
import com.salesstream.SalesConfig;
import com.salesstream.order.InvalidOrderException;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/** Sends records that are not valid orders to the dead-letter topic, with why and where they came from. */
@ApplicationScoped
class DeadLetters {

    static final String REASON = "dead-letter-reason";
    static final String CAUSE = "dead-letter-cause";
    static final String TOPIC = "dead-letter-topic";
    static final String PARTITION = "dead-letter-partition";
    static final String OFFSET = "dead-letter-offset";

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    private static final byte[] NO_VALUE = new byte[0];

    private final MutinyEmitter<byte[]> emitter;
    private final PipelineMetrics metrics;
    private final SalesConfig.Pipeline config;

    DeadLetters(@Channel(Channels.DEAD_LETTERS) MutinyEmitter<byte[]> emitter, PipelineMetrics metrics, SalesConfig config) {
        this.emitter = emitter;
        this.metrics = metrics;
        this.config = config.pipeline();
    }

    /** Completes when the broker has the dead letter; retried with backoff until it does. */
    Uni<Void> send(ConsumerRecord<String, byte[]> record, InvalidOrderException why) {
        LOG.warnf("Dead-lettering %s-%d@%d (%s): %s", record.topic(), record.partition(), record.offset(),
                why.rejection().label(), why.getMessage());
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON, bytes(why.rejection().label()));
        headers.add(CAUSE, bytes(why.getMessage()));
        headers.add(TOPIC, bytes(record.topic()));
        headers.add(PARTITION, bytes(Integer.toString(record.partition())));
        headers.add(OFFSET, bytes(Long.toString(record.offset())));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String> builder()
                .withKey(record.key())
                .withHeaders(headers)
                .build();
        byte[] value = record.value() == null ? NO_VALUE : record.value();
        return Uni.createFrom().deferred(() -> emitter.sendMessage(Message.of(value).addMetadata(metadata)))
                .onFailure().invoke(e -> {
                    metrics.retried(Sink.DEAD_LETTERS);
                    LOG.warnf("Sending a dead letter failed, retrying: %s", e.toString());
                })
                .onFailure().retry().withBackOff(config.minRetryBackoff(), config.maxRetryBackoff()).indefinitely()
                .invoke(() -> metrics.deadLettered(why.rejection().label()));
    }

    private static byte[] bytes(String text) {
        return String.valueOf(text).getBytes(StandardCharsets.UTF_8);
    }
}
