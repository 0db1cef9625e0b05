package com.salesstream;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jboss.logging.Logger;

import com.salesstream.PipelineMetrics.Sink;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * Makes sure the orders topic and its dead-letter topic exist before the pipeline needs them. A missing orders topic is
 * created as {@code sales.topics} says; a missing dead-letter topic gets the orders topic's partitions, replicas and
 * topic configs (its {@code min.insync.replicas} above all), so a dead letter is as durable as an order. An existing
 * topic is only described: where operations created the topics, the service needs no right to create any. The
 * generator starts once they exist, so no producer creates the orders topic with the broker's defaults first (the
 * consumer never creates topics); until then readiness is DOWN.
 * <p>
 * Then, while the pipeline runs, it asks every partition's leader for its log end every few seconds (only a leader
 * answers that): with two of three brokers gone there is no controller quorum, the surviving broker still names the
 * dead leaders, and the consumer waits on what looks like an idle topic. A partition without a leader that answers
 * for {@code stall-timeout} is a stall ({@link #leaderlessFor}).
 */
@ApplicationScoped
public class OrderTopics {

    private static final Logger LOG = Logger.getLogger(OrderTopics.class);
    private static final Duration LEADERS_PROBED_EVERY = Duration.ofSeconds(5);

    private final Map<String, Object> kafkaConfig;
    private final Retries retries;
    private final SalesConfig config;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private Admin admin;
    private Cancellable leaderProbes;
    /** Since when (System.nanoTime()) the last probes failed, and how; null while every leader answers. */
    private volatile Leaderless leaderless;

    private record Leaderless(long since, String failure) {
    }

    public OrderTopics(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, Retries retries, SalesConfig config) {
        this.kafkaConfig = kafkaConfig;
        this.retries = retries;
        this.config = config;
    }

    public void create(@Observes StartupEvent event) {
        if (!config.pipeline().enabled() && !config.generator().enabled()) {
            ready.complete(null);
            return;
        }
        Map<String, Object> adminConfig = new HashMap<>();
        kafkaConfig.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                adminConfig.put(key, value);
            }
        });
        admin = Admin.create(adminConfig);
        retries.untilDone(Sink.DEAD_LETTERS, "Making the topics " + config.topic() + " and " + config.deadLetterTopic(),
                        Uni.createFrom().deferred(this::ensure))
                .subscribe().with(done -> {
                    ready.complete(null);
                    LOG.infof("Topics %s and %s ready", config.topic(), config.deadLetterTopic());
                    if (config.pipeline().enabled()) {
                        leaderProbes = Multi.createFrom().ticks().every(LEADERS_PROBED_EVERY).onOverflow().drop()
                                .onItem().transformToUniAndConcatenate(tick -> probeLeaders())
                                .subscribe().with(probed -> {
                                });
                    }
                }, failure -> LOG.errorf(failure, "The topics %s and %s could not be made", config.topic(),
                        config.deadLetterTopic()));
    }

    private Uni<Void> ensure() {
        return describe(config.topic())
                .chain(orders -> orders.isPresent() ? Uni.createFrom().item(orders.get()) : createOrders())
                .chain(orders -> configs(orders.name()).call(configs -> describe(config.deadLetterTopic())
                                .chain(deadLetters -> deadLetters.isPresent() ? Uni.createFrom().voidItem()
                                        : createDeadLetters(orders, configs)))
                        .invoke(configs -> checkSettings(orders, configs)))
                .replaceWithVoid();
    }

    /** Each partition's log end, asked of its leader, within one probe period; never fails. */
    private Uni<Void> probeLeaders() {
        return describe(config.topic())
                .chain(orders -> {
                    TopicDescription described = orders.orElseThrow(
                            () -> new UnknownTopicOrPartitionException(config.topic() + " does not exist"));
                    Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
                    described.partitions().forEach(partition -> ends.put(
                            new TopicPartition(config.topic(), partition.partition()), OffsetSpec.latest()));
                    return await(admin.listOffsets(ends, new ListOffsetsOptions()
                            .timeoutMs((int) LEADERS_PROBED_EVERY.toMillis())).all());
                })
                .onItemOrFailure().invoke((ends, failure) -> {
                    Leaderless last = leaderless;
                    if (failure == null) {
                        leaderless = null;
                    } else if (last == null) {
                        leaderless = new Leaderless(System.nanoTime(), failure.toString());
                    }
                })
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * How long a partition of the orders topic has been without a leader that answers, and the last error, e.g.
     * {@code 1m5s (TimeoutException: ...)}; null while every leader answers or for less than {@code limit}.
     */
    public String leaderlessFor(Duration limit) {
        Leaderless last = leaderless;
        if (last == null) {
            return null;
        }
        Duration since = Duration.ofNanos(System.nanoTime() - last.since()).withNanos(0);
        return since.compareTo(limit) < 0 ? null : since + " (" + last.failure() + ")";
    }

    /** The topic as the broker describes it; empty when it does not exist. */
    private Uni<Optional<TopicDescription>> describe(String topic) {
        return await(admin.describeTopics(List.of(topic)).allTopicNames())
                .map(topics -> Optional.of(topics.get(topic)))
                .onFailure(UnknownTopicOrPartitionException.class).recoverWithItem(Optional.empty());
    }

    private Uni<TopicDescription> createOrders() {
        Map<String, String> configs = new HashMap<>();
        config.topics().minInsyncReplicas()
                .ifPresent(replicas -> configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(replicas)));
        NewTopic orders = new NewTopic(config.topic(), boxed(config.topics().partitions()),
                boxed(config.topics().replicationFactor()).map(Integer::shortValue)).configs(configs);
        LOG.infof("Creating the topic %s", config.topic());
        return create(orders).chain(() -> describe(config.topic()))
                .map(created -> created.orElseThrow(() -> new IllegalStateException(config.topic() + " not found after its creation")));
    }

    /** Partitions, replicas and the settings made on the orders topic itself (not inherited from the broker). */
    private Uni<Void> createDeadLetters(TopicDescription orders, Config ordersConfigs) {
        Map<String, String> own = new HashMap<>();
        for (ConfigEntry entry : ordersConfigs.entries()) {
            if (entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG && !entry.isSensitive()) {
                own.put(entry.name(), entry.value());
            }
        }
        LOG.infof("Creating the topic %s like %s (%s)", config.deadLetterTopic(), orders.name(), own);
        return create(new NewTopic(config.deadLetterTopic(), orders.partitions().size(),
                (short) orders.partitions().get(0).replicas().size()).configs(own));
    }

    private Uni<Config> configs(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return await(admin.describeConfigs(List.of(resource)).all()).map(configs -> configs.get(resource));
    }

    /** Another instance may create it at the same moment: that is as good. */
    private Uni<Void> create(NewTopic topic) {
        return await(admin.createTopics(List.of(topic)).all()).onFailure(TopicExistsException.class).recoverWithNull();
    }

    /** An existing topic with fewer partitions, replicas or in-sync replicas than configured is used as it is, and said so. */
    private void checkSettings(TopicDescription orders, Config configs) {
        int replicas = orders.partitions().get(0).replicas().size();
        ConfigEntry minInsync = configs.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
        warnIfBelow("partitions", orders.partitions().size(), config.topics().partitions());
        warnIfBelow("replication-factor", replicas, config.topics().replicationFactor());
        warnIfBelow("min-insync-replicas", minInsync == null ? 1 : Integer.parseInt(minInsync.value()),
                config.topics().minInsyncReplicas());
    }

    private void warnIfBelow(String setting, int actual, OptionalInt configured) {
        if (configured.isPresent() && actual < configured.getAsInt()) {
            LOG.warnf("The topic %s has %s %d, below sales.topics.%s=%d: it is used as it is", config.topic(),
                    setting, actual, setting, configured.getAsInt());
        }
    }

    private static Optional<Integer> boxed(OptionalInt value) {
        return value.isPresent() ? Optional.of(value.getAsInt()) : Optional.empty();
    }

    private static <T> Uni<T> await(KafkaFuture<T> future) {
        return Uni.createFrom().completionStage(future.toCompletionStage());
    }

    public boolean isReady() {
        return ready.isDone();
    }

    /** Completes once both topics exist. */
    public Uni<Void> ready() {
        // A copy per subscriber: Mutiny cancels the stage of a cancelled Uni.
        return Uni.createFrom().completionStage(ready::copy);
    }

    @PreDestroy
    void close() {
        if (leaderProbes != null) {
            leaderProbes.cancel();
        }
        if (admin != null) {
            admin.close();
        }
    }
}
