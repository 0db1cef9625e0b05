package com.salesstream.pipeline;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.quarkus.runtime.api.session.QuarkusCqlSession;
import com.salesstream.PipelineMetrics;
import com.salesstream.PipelineMetrics.Sink;
import com.salesstream.Retries;
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
    private final Retries retries;
    private final SalesConfig config;
    private final CqlIdentifier keyspace;
    private final String datacenter;
    private final ConsistencyLevel consistency;
    private Uni<Table> table;
    /** Prepared on the first lookup; a failed prepare (Cassandra away, no table yet) is tried again on the next. */
    private final Uni<PreparedStatement> select;
    private final AtomicBoolean selectFailed = new AtomicBoolean();

    /** The session and the prepared insert, once the table exists. */
    private record Table(QuarkusCqlSession session, PreparedStatement insert) {
    }

    OrderStore(Uni<QuarkusCqlSession> sessions, PipelineMetrics metrics, Retries retries, SalesConfig config,
            @ConfigProperty(name = "quarkus.cassandra.local-datacenter") String datacenter) {
        this.sessions = sessions;
        this.metrics = metrics;
        this.retries = retries;
        this.config = config;
        this.keyspace = CqlIdentifier.fromCql(config.cassandra().keyspace());
        this.datacenter = datacenter;
        this.consistency = config.cassandra().consistency();
        this.select = sessions.chain(session -> Uni.createFrom().completionStage(() -> session.prepareAsync(prepared("SELECT "
                + "order_id, created_at, platform_id, product_id, quantity, customer_id, payment_method FROM "
                + keyspace.asCql(true) + ".orders WHERE order_id = ?"))))
                .onFailure().invoke(() -> selectFailed.set(true))
                .memoize().until(() -> selectFailed.compareAndSet(true, false));
    }

    /** The raw order as Cassandra holds it, or null when there is none. */
    public Uni<Order> find(long orderId) {
        return Uni.combine().all().unis(sessions, select).asTuple()
                .chain(ready -> Uni.createFrom().completionStage(() -> ready.getItem1().executeAsync(ready.getItem2().bind(orderId))))
                .map(rows -> {
                    Row row = rows.one();
                    return row == null ? null : new Order(row.getLong(0),
                            LocalDateTime.ofInstant(row.getInstant(1), ZoneOffset.UTC), row.getInt(2), row.getInt(3),
                            row.getInt(4), row.getInt(5), row.getString(6));
                });
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
        table = retries.untilDone(Sink.CASSANDRA, "Creating the Cassandra table " + keyspace + ".orders",
                sessions.chain(this::createTable)).memoize().indefinitely();
        table.subscribe().with(ready -> LOG.infof("Cassandra table %s.orders ready", keyspace));
    }

    /**
     * Instances that start together create the table on different coordinators at once: with a random table id each,
     * Cassandra could keep two ids and lose the rows written to the other (CASSANDRA-10699). The id is derived from
     * the name, so every create is the same table. Statements are prepared only once all nodes agree on the schema.
     */
    private Uni<Table> createTable(QuarkusCqlSession session) {
        String name = keyspace.asCql(true);
        UUID tableId = UUID.nameUUIDFromBytes((keyspace.asInternal() + ".orders").getBytes(StandardCharsets.UTF_8));
        return execute(session, SimpleStatement.newInstance("CREATE KEYSPACE IF NOT EXISTS " + name
                + " WITH replication = {'class': 'NetworkTopologyStrategy', '" + datacenter + "': "
                + config.cassandra().replicationFactor() + "}"))
                .chain(() -> execute(session, SimpleStatement.newInstance("CREATE TABLE IF NOT EXISTS " + name
                        + ".orders (order_id bigint PRIMARY KEY, created_at timestamp, platform_id int, "
                        + "product_id int, quantity int, customer_id int, payment_method text) WITH ID = " + tableId)))
                .chain(() -> Uni.createFrom().completionStage(session::checkSchemaAgreementAsync))
                .invoke(agreed -> {
                    if (!agreed) {
                        throw new IllegalStateException("the Cassandra nodes do not agree on the schema yet");
                    }
                })
                .chain(() -> Uni.createFrom().completionStage(() -> session.prepareAsync(prepared("INSERT INTO " + name
                        + ".orders (order_id, created_at, platform_id, product_id, quantity, customer_id, "
                        + "payment_method) VALUES (?, ?, ?, ?, ?, ?, ?)"))))
                .map(insert -> new Table(session, insert));
    }

    /** A statement to prepare: its bound statements inherit the consistency level and are idempotent. */
    private SimpleStatement prepared(String cql) {
        return SimpleStatement.newInstance(cql).setConsistencyLevel(consistency).setIdempotent(true);
    }

    /**
     * Completes once every order is stored, with the orders Cassandra can never take (they fail to bind, or a
     * single-row insert is refused as invalid). Transient failures are retried with backoff until Cassandra accepts.
     */
    public Uni<List<Unstorable>> insertAll(List<Order> orders) {
        return table.chain(ready -> {
            List<Unstorable> unstorable = new ArrayList<>();
            List<List<Bound>> batches = batches(ready, orders, unstorable);
            return Multi.createFrom().iterable(batches)
                    .onItem().transformToUni(batch -> store(ready.session(), batch, unstorable))
                    .merge(config.pipeline().cassandraMaxInFlight())
                    .collect().last()
                    .map(done -> {
                        metrics.written(Sink.CASSANDRA, orders.size() - unstorable.size());
                        return unstorable;
                    });
        });
    }

    /** An order Cassandra can never take, and why. */
    public record Unstorable(Order order, Throwable cause) {
    }

    /** An insert and the order it writes. */
    private record Bound(Order order, BoundStatement statement) {
    }

    /**
     * Batches of at most cassandra-batch-size orders, each batch owned by one set of replicas. An order that cannot
     * even be bound goes to {@code unstorable}.
     */
    private List<List<Bound>> batches(Table table, List<Order> orders, List<Unstorable> unstorable) {
        TokenMap tokens = table.session().getMetadata().getTokenMap().orElse(null);
        Map<Set<Node>, List<Bound>> byReplicas = new LinkedHashMap<>();
        List<List<Bound>> batches = new ArrayList<>();
        int size = config.pipeline().cassandraBatchSize();
        for (Order order : orders) {
            BoundStatement statement;
            try {
                statement = bind(table.insert(), order);
            } catch (RuntimeException e) {
                unstorable.add(new Unstorable(order, e));
                continue;
            }
            ByteBuffer partitionKey = statement.getRoutingKey();
            Set<Node> replicas = tokens == null ? Set.of() : tokens.getReplicas(keyspace, partitionKey);
            List<Bound> batch = byReplicas.computeIfAbsent(replicas, any -> new ArrayList<>(size));
            batch.add(new Bound(order, statement));
            if (batch.size() == size) {
                batches.add(batch);
                byReplicas.remove(replicas);
            }
        }
        batches.addAll(byReplicas.values());
        return batches;
    }

    private static BoundStatement bind(PreparedStatement insert, Order order) {
        return insert.bind(order.orderId(), order.createdAt().toInstant(ZoneOffset.UTC), order.platformId(),
                order.productId(), order.quantity(), order.customerId(), order.paymentMethod());
    }

    private Statement<?> statement(List<Bound> batch) {
        if (batch.size() == 1) {
            return batch.get(0).statement();
        }
        return BatchStatement.newInstance(DefaultBatchType.UNLOGGED,
                batch.stream().map(Bound::statement).toArray(BoundStatement[]::new)).setIdempotent(true)
                .setConsistencyLevel(consistency);
    }

    /**
     * A batch Cassandra refuses as invalid is written order by order, so only the order at fault is set aside; any
     * other failure is transient and retried. The retry chain is built only when a write failed: the common path
     * stays one Uni per batch.
     */
    private Uni<Void> store(QuarkusCqlSession session, List<Bound> batch, List<Unstorable> unstorable) {
        return execute(session, statement(batch)).onFailure().recoverWithUni(failure -> {
            if (isInvalid(failure) && batch.size() > 1) {
                return Multi.createFrom().iterable(batch)
                        .onItem().transformToUniAndConcatenate(one -> store(session, List.of(one), unstorable))
                        .collect().last().replaceWithVoid();
            }
            if (isInvalid(failure)) {
                LOG.warnf("Cassandra refused order %d for good: %s", batch.get(0).order().orderId(), failure.toString());
                synchronized (unstorable) {
                    unstorable.add(new Unstorable(batch.get(0).order(), failure));
                }
                return Uni.createFrom().voidItem();
            }
            return retries.afterFailure(Sink.CASSANDRA, "A Cassandra batch of " + batch.size() + " orders", failure,
                    execute(session, statement(batch)));
        });
    }

    /** Refused for what the statement holds; a missing table or keyspace is a state of the server, not of the order. */
    private static boolean isInvalid(Throwable failure) {
        return failure instanceof InvalidQueryException && !(failure.getMessage() != null
                && (failure.getMessage().contains("unconfigured table") || failure.getMessage().contains("does not exist")));
    }

    private static Uni<Void> execute(QuarkusCqlSession session, Statement<?> statement) {
        return Uni.createFrom().completionStage(() -> session.executeAsync(statement)).replaceWithVoid();
    }
}
