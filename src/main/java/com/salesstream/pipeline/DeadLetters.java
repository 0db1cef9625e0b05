package com.salesstream.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import com.salesstream.Channels;
import com.salesstream.PipelineMetrics;
import com.salesstream.PipelineMetrics.Sink;
import com.salesstream.Retries;
import com.salesstream.SalesConfig;
import com.salesstream.order.Abbreviated;
import com.salesstream.order.Rejection;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Sends records that are not valid orders to the dead-letter topic, with why and where they came from. The copy is
 * bounded: its key and value are at most max-bytes each (the deserializer already cut longer ones, see
 * {@link BoundedBytesDeserializer}; a header gives the real size) and its cause header a short text, so a dead
 * letter always fits where the record came from.
 */
@ApplicationScoped
class DeadLetters {

    static final String REASON = "dead-letter-reason";
    static final String CAUSE = "dead-letter-cause";
    static final String TOPIC = "dead-letter-topic";
    static final String PARTITION = "dead-letter-partition";
    static final String OFFSET = "dead-letter-offset";
    /** Present when the value was cut: the size of the original value in bytes. */
    static final String ORIGINAL_SIZE = "dead-letter-original-size";
    /** Present when the key was cut: the size of the original key in bytes. */
    static final String ORIGINAL_KEY_SIZE = "dead-letter-original-key-size";

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    private static final byte[] NO_VALUE = new byte[0];

    private final MutinyEmitter<byte[]> emitter;
    private final PipelineMetrics metrics;
    private final Retries retries;
    private final int maxBytes;
    /** The last send failure that retrying cannot fix (a refused copy, a missing topic, no authorization). */
    private final AtomicReference<Throwable> permanentFailure = new AtomicReference<>();

    DeadLetters(@Channel(Channels.DEAD_LETTERS) MutinyEmitter<byte[]> emitter, PipelineMetrics metrics, Retries retries,
            SalesConfig config) {
        this.emitter = emitter;
        this.metrics = metrics;
        this.retries = retries;
        this.maxBytes = config.orders().maxBytes();
    }

    /**
     * Completes when the broker has the dead letter. Retried until it does: a failure no retry can fix is logged at
     * ERROR and turns readiness DOWN ({@link #permanentFailure()}) rather than losing the record.
     */
    Uni<Void> send(ConsumerRecord<byte[], byte[]> record, Rejection reason, String cause) {
        LOG.warnf("Dead-lettering %s-%d@%d (%s): %s", record.topic(), record.partition(), record.offset(),
                reason.label(), Abbreviated.of(cause));
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON, bytes(reason.label()));
        headers.add(CAUSE, bytes(Abbreviated.of(cause)));
        headers.add(TOPIC, bytes(record.topic()));
        headers.add(PARTITION, bytes(Integer.toString(record.partition())));
        headers.add(OFFSET, bytes(Long.toString(record.offset())));
        OutgoingKafkaRecordMetadata<byte[]> metadata = OutgoingKafkaRecordMetadata.<byte[]> builder()
                .withKey(record.key() == null ? null
                        : bounded(record.key(), record, BoundedBytesDeserializer.ORIGINAL_KEY_SIZE, ORIGINAL_KEY_SIZE, headers))
                .withHeaders(headers)
                .build();
        byte[] value = record.value() == null ? NO_VALUE
                : bounded(record.value(), record, BoundedBytesDeserializer.ORIGINAL_VALUE_SIZE, ORIGINAL_SIZE, headers);
        Message<byte[]> letter = Message.of(value).addMetadata(metadata);
        return retries.untilDone(Sink.DEAD_LETTERS, "Sending the dead letter of " + record.topic() + "-"
                + record.partition() + "@" + record.offset(), Uni.createFrom().deferred(() -> emitter.sendMessage(letter))
                        .onFailure(failure -> !(failure instanceof RetriableException)).invoke(this::failedForGood))
                .invoke(() -> {
                    permanentFailure.set(null);
                    metrics.deadLettered(reason.label());
                });
    }

    /** At most max-bytes of the data; when the data was longer (or was cut at poll), a header gives its real size. */
    private byte[] bounded(byte[] data, ConsumerRecord<byte[], byte[]> record, String cutAtPoll, String header,
            RecordHeaders headers) {
        Header cut = record.headers().lastHeader(cutAtPoll);
        if (cut != null) {
            headers.add(header, cut.value());
        } else if (data.length > maxBytes) {
            headers.add(header, bytes(Integer.toString(data.length)));
        }
        return data.length > maxBytes ? Arrays.copyOf(data, maxBytes) : data;
    }

    private void failedForGood(Throwable failure) {
        if (permanentFailure.getAndSet(failure) == null) {
            LOG.errorf("The dead-letter topic refuses dead letters (%s); the batch waits until it takes them", failure);
        }
    }

    /** Set while dead letters fail for a reason no retry fixes; null otherwise. */
    Throwable permanentFailure() {
        return permanentFailure.get();
    }

    private static byte[] bytes(String text) {
        return String.valueOf(text).getBytes(StandardCharsets.UTF_8);
    }
}
