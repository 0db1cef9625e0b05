package com.salesstream.pipeline;

import java.time.ZoneOffset;
import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.quarkus.runtime.api.session.QuarkusCqlSession;
import com.salesstream.PipelineMetrics;
import com.salesstream.PipelineMetrics.Sink;
import com.salesstream.SalesConfig;
import com.salesstream.order.Order;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** Writes raw orders to Cassandra {@code <keyspace>.orders}: prepared, idempotent, non-blocking, bounded. */
@ApplicationScoped
public class OrderStore {

    private static final Logger LOG = Logger.getLogger(OrderStore.class);

    private final QuarkusCqlSession session;
    private final PipelineMetrics metrics;
    private final SalesConfig config;
    private PreparedStatement insert;

    OrderStore(QuarkusCqlSession session, PipelineMetrics metrics, SalesConfig config) {
        this.session = session;
        this.metrics = metrics;
        this.config = config;
    }

    /** Creates the schema before the messaging channels start (they start at LIBRARY_BEFORE). */
    void createSchema(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        if (!config.pipeline().enabled()) {
            return;
        }
        String keyspace = config.cassandra().keyspace();
        session.execute("CREATE KEYSPACE IF NOT EXISTS " + keyspace
                + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': "
                + config.cassandra().replicationFactor() + "}");
        session.execute("CREATE TABLE IF NOT EXISTS " + keyspace + ".orders ("
                + "order_id bigint PRIMARY KEY, created_at timestamp, platform_id int, product_id int, "
                + "quantity int, customer_id int, payment_method text)");
        insert = session.prepare("INSERT INTO " + keyspace + ".orders (order_id, created_at, platform_id, product_id, "
                + "quantity, customer_id, payment_method) VALUES (?, ?, ?, ?, ?, ?, ?)");
        LOG.infof("Cassandra table %s.orders ready", keyspace);
    }

    /** Completes once every order is stored; each insert is retried with backoff until Cassandra accepts it. */
    public Uni<Void> insertAll(List<Order> orders) {
        return Multi.createFrom().iterable(orders)
                .onItem().transformToUni(this::insert).merge(config.pipeline().cassandraMaxInFlight())
                .collect().last()
                .invoke(() -> metrics.written(Sink.CASSANDRA, orders.size()))
                .replaceWithVoid();
    }

    /** The retry chain is built only when a write failed: the common path stays one Uni per order. */
    private Uni<Void> insert(Order order) {
        return write(order).onFailure().recoverWithUni(failure -> {
            metrics.retried(Sink.CASSANDRA);
            LOG.debugf("Cassandra insert of order %d failed, retrying: %s", order.orderId(), failure);
            return write(order)
                    .onFailure().invoke(() -> metrics.retried(Sink.CASSANDRA))
                    .onFailure().retry()
                    .withBackOff(config.pipeline().minRetryBackoff(), config.pipeline().maxRetryBackoff()).indefinitely();
        });
    }

    private Uni<Void> write(Order order) {
        return Uni.createFrom()
                .completionStage(() -> session.executeAsync(insert.bind(order.orderId(),
                        order.createdAt().toInstant(ZoneOffset.UTC), order.platformId(), order.productId(),
                        order.quantity(), order.customerId(), order.paymentMethod()).setIdempotent(true)))
                .replaceWithVoid();
    }
}
