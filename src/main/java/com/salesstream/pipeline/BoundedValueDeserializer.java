package com.salesstream.pipeline;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.eclipse.microprofile.config.ConfigProvider;

import com.salesstream.SalesConfig;

import io.smallrye.config.SmallRyeConfig;

/**
 * Kafka values as bytes, but never more than {@code sales.orders.max-bytes} + 1 of them: a longer value is oversized
 * whatever follows, so only that prefix is kept (a header gives the real size). A poll of large or highly compressed
 * values then holds at most max-poll-records small arrays, not max-poll-records whole values.
 */
public class BoundedValueDeserializer implements Deserializer<byte[]> {

    /** Set on a record whose value was cut: its size in bytes before that. */
    public static final String ORIGINAL_SIZE = "sales-original-value-size";

    private int maxBytes;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        maxBytes = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getConfigMapping(SalesConfig.class)
                .orders().maxBytes();
    }

    @Override
    public byte[] deserialize(String topic, byte[] data) {
        return data == null || data.length <= maxBytes ? data : Arrays.copyOf(data, maxBytes + 1);
    }

    @Override
    public byte[] deserialize(String topic, Headers headers, byte[] data) {
        if (data != null && data.length > maxBytes) {
            headers.add(ORIGINAL_SIZE, Integer.toString(data.length).getBytes(StandardCharsets.UTF_8));
        }
        return deserialize(topic, data);
    }

    @Override
    public byte[] deserialize(String topic, Headers headers, ByteBuffer data) {
        if (data == null) {
            return null;
        }
        int size = data.remaining();
        if (size > maxBytes) {
            headers.add(ORIGINAL_SIZE, Integer.toString(size).getBytes(StandardCharsets.UTF_8));
        }
        byte[] kept = new byte[Math.min(size, maxBytes + 1)];
        data.duplicate().get(kept);
        return kept;
    }
}
