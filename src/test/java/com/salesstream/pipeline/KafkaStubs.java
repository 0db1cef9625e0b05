package com.salesstream.pipeline;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;

/** Stand-ins for the Kafka side of the offsets' healing: a consumer whose partition leader can be away, and its polling thread. */
final class KafkaStubs {

    private KafkaStubs() {
    }

    /**
     * Kafka's MockConsumer whose log-bounds lookups (ListOffsets requests) time out while the partitions' leader is
     * away, as when a broker is lost; counts the lookups tried.
     */
    static final class LeaderAwayConsumer extends MockConsumer<Object, Object> {
        private volatile boolean leaderAway;
        private final AtomicInteger lookups = new AtomicInteger();

        LeaderAwayConsumer() {
            super("earliest");
        }

        void leaderAway(boolean away) {
            leaderAway = away;
        }

        int lookups() {
            return lookups.get();
        }

        @Override
        public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
            lookedUp();
            return super.beginningOffsets(partitions);
        }

        @Override
        public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions, Duration timeout) {
            lookedUp();
            return super.beginningOffsets(partitions);
        }

        @Override
        public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
            lookedUp();
            return super.endOffsets(partitions);
        }

        @Override
        public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, Duration timeout) {
            lookedUp();
            return super.endOffsets(partitions);
        }

        private void lookedUp() {
            lookups.incrementAndGet();
            if (leaderAway) {
                throw new TimeoutException("Failed to get offsets by times in 5000ms");
            }
        }
    }

    /**
     * The connector's view of one consumer of the orders channel: actions run on one thread of their own, as on the
     * connector's polling thread. Only what the healing uses is implemented.
     */
    static KafkaClientService pollingThreadOf(Consumer<Object, Object> client, ExecutorService pollingThread) {
        @SuppressWarnings("unchecked")
        KafkaConsumer<Object, Object> consumer = (KafkaConsumer<Object, Object>) Proxy.newProxyInstance(
                KafkaStubs.class.getClassLoader(), new Class<?>[] { KafkaConsumer.class }, (proxy, method, args) -> {
                    if (!method.getName().equals("runOnPollingThread")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return Uni.createFrom().item(() -> run(args[0], client)).runSubscriptionOn(pollingThread);
                });
        return new KafkaClientService() {
            @Override
            @SuppressWarnings("unchecked")
            public <K, V> List<KafkaConsumer<K, V>> getConsumers(String channel) {
                return List.of((KafkaConsumer<K, V>) (KafkaConsumer<?, ?>) consumer);
            }

            @Override
            public <K, V> KafkaProducer<K, V> getProducer(String channel) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Set<String> getConsumerChannels() {
                return Set.of(com.salesstream.Channels.ORDERS_IN);
            }

            @Override
            public Set<String> getProducerChannels() {
                return Set.of();
            }
        };
    }

    static ExecutorService pollingThread() {
        return Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "stub-polling-thread"));
    }

    @SuppressWarnings("unchecked")
    private static Object run(Object action, Consumer<Object, Object> client) {
        if (action instanceof Function<?, ?> function) {
            return ((Function<Consumer<Object, Object>, Object>) function).apply(client);
        }
        ((java.util.function.Consumer<Consumer<Object, Object>>) action).accept(client);
        return null;
    }
}
