package com.salesstream.pipeline;

import java.nio.ByteBuffer;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import com.datastax.oss.quarkus.runtime.api.session.QuarkusCqlSession;
import com.salesstream.PipelineMetrics;
import com.salesstream.PipelineMetrics.Sink;
import com.salesstream.SalesConfig;
import com.salesstream.order.Order;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Writes raw orders to Cassandra {@code <keyspace>.orders}: prepared, idempotent, non-blocking, bounded. Orders go
 * in small unlogged batches of orders owned by the same replicas: one request carries several inserts, which costs
 * both sides far less CPU than one request per insert, and the token-aware routing still sends each batch to a
 * replica that owns all of it.
 */
@ApplicationScoped
public class OrderStore {

    private static final Logger LOG = Logger.getLogger(OrderStore.class);

    private final Uni<QuarkusCqlSession> sessions;
    private final PipelineMetrics metrics;
    private final SalesConfig config;
    private final CqlIdentifier keyspace;
    private Uni<Table> table;

    /** The session and the prepared insert, once the table exists. */
    private record Table(QuarkusCqlSession session, PreparedStatement insert) {
    }

    OrderStore(Uni<QuarkusCqlSession> sessions, PipelineMetrics metrics, SalesConfig config) {
        this.sessions = sessions;
        this.metrics = metrics;
        this.config = config;
        this.keyspace = CqlIdentifier.fromCql(config.cassandra().keyspace());
    }

    /**
     * Starts connecting and creating the schema without holding up the start: the Kafka consumer joins its group
     * meanwhile, and the first batch waits for the table. Retried until Cassandra accepts it. Observed before the
     * messaging channels start (at LIBRARY_BEFORE), so a batch always finds the Uni to wait on.
     */
    void createSchema(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        if (!config.pipeline().enabled()) {
            return;
        }
        table = sessions.chain(this::createTable)
                .onFailure().invoke(e -> LOG.warnf("Cassandra table %s.orders not created yet, retrying: %s", keyspace, e))
                .onFailure().retry()
                .withBackOff(config.pipeline().minRetryBackoff(), config.pipeline().maxRetryBackoff()).indefinitely()
                .memoize().indefinitely();
        table.subscribe().with(ready -> LOG.infof("Cassandra table %s.orders ready", keyspace));
    }

    private Uni<Table> createTable(QuarkusCqlSession session) {
        String name = keyspace.asCql(true);
        return execute(session, SimpleStatement.newInstance("CREATE KEYSPACE IF NOT EXISTS " + name
                + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': "
                + config.cassandra().replicationFactor() + "}"))
                .chain(() -> execute(session, SimpleStatement.newInstance("CREATE TABLE IF NOT EXISTS " + name
                        + ".orders (order_id bigint PRIMARY KEY, created_at timestamp, platform_id int, "
                        + "product_id int, quantity int, customer_id int, payment_method text)")))
                .chain(() -> Uni.createFrom().completionStage(() -> session.prepareAsync("INSERT INTO " + name
                        + ".orders (order_id, created_at, platform_id, product_id, quantity, customer_id, "
                        + "payment_method) VALUES (?, ?, ?, ?, ?, ?, ?)")))
                .map(insert -> new Table(session, insert));
    }

    /** Completes once every order is stored; each batch is retried with backoff until Cassandra accepts it. */
    public Uni<Void> insertAll(List<Order> orders) {
        return table.chain(ready -> Multi.createFrom().iterable(batches(ready, orders))
                .onItem().transformToUni(batch -> store(ready.session(), batch))
                .merge(config.pipeline().cassandraMaxInFlight())
                .collect().last())
                .invoke(() -> metrics.written(Sink.CASSANDRA, orders.size()))
                .replaceWithVoid();
    }

    /** Batches of at most cassandra-batch-size orders, each batch owned by one set of replicas. */
    private List<BatchStatement> batches(Table table, List<Order> orders) {
        TokenMap tokens = table.session().getMetadata().getTokenMap().orElse(null);
        Map<Set<Node>, List<BoundStatement>> byReplicas = new LinkedHashMap<>();
        List<BatchStatement> batches = new ArrayList<>();
        int size = config.pipeline().cassandraBatchSize();
        for (Order order : orders) {
            BoundStatement statement = bind(table.insert(), order);
            ByteBuffer partitionKey = statement.getRoutingKey();
            Set<Node> replicas = tokens == null ? Set.of() : tokens.getReplicas(keyspace, partitionKey);
            List<BoundStatement> batch = byReplicas.computeIfAbsent(replicas, any -> new ArrayList<>(size));
            batch.add(statement);
            if (batch.size() == size) {
                batches.add(unlogged(batch));
                byReplicas.remove(replicas);
            }
        }
        byReplicas.values().forEach(batch -> batches.add(unlogged(batch)));
        return batches;
    }

    private static BoundStatement bind(PreparedStatement insert, Order order) {
        return insert.bind(order.orderId(), order.createdAt().toInstant(ZoneOffset.UTC), order.platformId(),
                order.productId(), order.quantity(), order.customerId(), order.paymentMethod());
    }

    private static BatchStatement unlogged(List<BoundStatement> statements) {
        return BatchStatement.newInstance(DefaultBatchType.UNLOGGED, statements.toArray(BoundStatement[]::new))
                .setIdempotent(true);
    }

    /** The retry chain is built only when a write failed: the common path stays one Uni per batch. */
    private Uni<Void> store(QuarkusCqlSession session, BatchStatement batch) {
        return execute(session, batch).onFailure().recoverWithUni(failure -> {
            metrics.retried(Sink.CASSANDRA);
            LOG.debugf("Cassandra batch of %d orders failed, retrying: %s", batch.size(), failure);
            return execute(session, batch)
                    .onFailure().invoke(() -> metrics.retried(Sink.CASSANDRA))
                    .onFailure().retry()
                    .withBackOff(config.pipeline().minRetryBackoff(), config.pipeline().maxRetryBackoff()).indefinitely();
        });
    }

    private static Uni<Void> execute(QuarkusCqlSession session, Statement<?> statement) {
        return Uni.createFrom().completionStage(() -> session.executeAsync(statement)).replaceWithVoid();
    }
}
