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
 * Kafka keys and values as bytes, but never more than {@code sales.orders.max-bytes} + 1 of them: a longer value is
 * oversized whatever follows, so only that prefix is kept, and a header gives the real size. A poll of large or
 * highly compressed records then holds at most max-poll-records small arrays, not max-poll-records whole records.
 */
public class BoundedBytesDeserializer implements Deserializer<byte[]> {

    /** Set on a record whose value was cut: its size in bytes before that. */
    public static final String ORIGINAL_VALUE_SIZE = "sales-original-value-size";
    /** Set on a record whose key was cut. */
    public static final String ORIGINAL_KEY_SIZE = "sales-original-key-size";

    private int maxBytes;
    private String sizeHeader;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        maxBytes = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getConfigMapping(SalesConfig.class)
                .orders().maxBytes();
        sizeHeader = isKey ? ORIGINAL_KEY_SIZE : ORIGINAL_VALUE_SIZE;
    }

    @Override
    public byte[] deserialize(String topic, byte[] data) {
        return data == null || data.length <= maxBytes ? data : Arrays.copyOf(data, maxBytes + 1);
    }

    @Override
    public byte[] deserialize(String topic, Headers headers, byte[] data) {
        if (data != null && data.length > maxBytes) {
            headers.add(sizeHeader, Integer.toString(data.length).getBytes(StandardCharsets.UTF_8));
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
            headers.add(sizeHeader, Integer.toString(size).getBytes(StandardCharsets.UTF_8));
        }
        byte[] kept = new byte[Math.min(size, maxBytes + 1)];
        data.duplicate().get(kept);
        return kept;
    }
}
