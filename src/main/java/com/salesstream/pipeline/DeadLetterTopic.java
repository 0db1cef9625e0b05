package com.salesstream.pipeline;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jboss.logging.Logger;

import com.salesstream.PipelineMetrics.Sink;
import com.salesstream.Retries;
import com.salesstream.SalesConfig;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;

/**
 * Makes sure the dead-letter topic exists before the first dead letter needs it, with as many partitions as the
 * orders topic (and the broker's default when that one does not exist yet): a broker that does not create topics
 * on demand would otherwise leave every dead letter, and its batch, waiting. Until it exists readiness is DOWN.
 */
@ApplicationScoped
class DeadLetterTopic {

    private static final Logger LOG = Logger.getLogger(DeadLetterTopic.class);

    private final Map<String, Object> kafkaConfig;
    private final Retries retries;
    private final SalesConfig config;
    private volatile boolean ready;
    private Admin admin;

    DeadLetterTopic(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, Retries retries,
            SalesConfig config) {
        this.kafkaConfig = kafkaConfig;
        this.retries = retries;
        this.config = config;
    }

    void create(@Observes StartupEvent event) {
        if (!config.pipeline().enabled()) {
            ready = true;
            return;
        }
        Map<String, Object> adminConfig = new HashMap<>();
        kafkaConfig.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                adminConfig.put(key, value);
            }
        });
        admin = Admin.create(adminConfig);
        retries.untilDone(Sink.DEAD_LETTERS, "Creating the dead-letter topic " + config.deadLetterTopic(),
                        Uni.createFrom().deferred(this::ensure))
                .subscribe().with(created -> {
                    ready = true;
                    LOG.infof("Dead-letter topic %s ready", config.deadLetterTopic());
                }, failure -> LOG.errorf(failure, "The dead-letter topic %s could not be made", config.deadLetterTopic()));
    }

    private Uni<Void> ensure() {
        return Uni.createFrom().completionStage(admin.describeTopics(List.of(config.topic())).allTopicNames().toCompletionStage())
                .map(topics -> topics.get(config.topic()))
                .onFailure(UnknownTopicOrPartitionException.class).recoverWithNull()
                .chain(orders -> Uni.createFrom().completionStage(admin.createTopics(List.of(like(orders))).all().toCompletionStage()))
                .onFailure(TopicExistsException.class).recoverWithNull()
                .replaceWithVoid();
    }

    private NewTopic like(TopicDescription orders) {
        if (orders == null) {
            return new NewTopic(config.deadLetterTopic(), Optional.empty(), Optional.empty());
        }
        return new NewTopic(config.deadLetterTopic(), orders.partitions().size(),
                (short) orders.partitions().get(0).replicas().size());
    }

    boolean isReady() {
        return ready;
    }

    @PreDestroy
    void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
