package com.salesstream.catalog;

import java.util.HashMap;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.salesstream.Retries;
import com.salesstream.SalesConfig;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The catalog of MySQL's dimension tables, the truth for which orders are valid: read at startup (the pipeline and
 * the generator wait for it) and again every {@code sales.catalog.refresh}, so a platform or product added to the
 * tables becomes valid without a restart. A failed refresh keeps the last catalog.
 */
@ApplicationScoped
public class Catalog {

    private static final Logger LOG = Logger.getLogger(Catalog.class);

    private static final String PLATFORMS = "SELECT platform_id, platform_name FROM dim_platform";
    private static final String PRODUCTS = "SELECT d.product_id, d.product_name, d.cost_price, c.category_id, c.category_name, "
            + "c.profit_margin FROM dim_product d JOIN dim_category c ON c.category_id = d.category_id";

    private final Pool mysql;
    private final Retries retries;
    private final SalesConfig config;
    private volatile CatalogSnapshot current;
    /** The first read, lazy and shared: whoever needs the catalog first (startup, generator, consumer) starts it. */
    private final Uni<CatalogSnapshot> first;
    private Cancellable refreshes;

    Catalog(Pool mysql, Retries retries, SalesConfig config) {
        this.mysql = mysql;
        this.retries = retries;
        this.config = config;
        this.first = Uni.createFrom().deferred(() -> retries.untilDoneInMysqlTime("Reading the catalog", load()))
                .memoize().indefinitely();
    }

    void start(@Observes StartupEvent event) {
        first.subscribe().with(snapshot -> LOG.infof("Catalog: %d platforms, %d products",
                snapshot.platforms().size(), snapshot.products().size()));
        refreshes = Multi.createFrom().ticks().every(config.catalog().refresh())
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> load()
                        .onFailure().invoke(e -> LOG.warnf("Refreshing the catalog failed, keeping the last one: %s", e))
                        .onFailure().recoverWithNull())
                .subscribe().with(snapshot -> {
                });
    }

    /** Completes once the catalog has been read. */
    public Uni<CatalogSnapshot> ready() {
        CatalogSnapshot snapshot = current;
        return snapshot != null ? Uni.createFrom().item(snapshot) : first;
    }

    /** The catalog as last read; null before the first read. */
    public CatalogSnapshot current() {
        return current;
    }

    private Uni<CatalogSnapshot> load() {
        return mysql.query(PLATFORMS).execute().chain(platformRows -> mysql.query(PRODUCTS).execute().map(productRows -> {
            Map<Integer, String> platforms = new HashMap<>();
            platformRows.forEach(row -> platforms.put(row.getInteger(0), row.getString(1)));
            Map<Integer, CatalogSnapshot.Product> products = new HashMap<>();
            productRows.forEach(row -> products.put(row.getInteger(0), new CatalogSnapshot.Product(row.getInteger(0),
                    row.getString(1), row.getBigDecimal(2), row.getInteger(3), row.getString(4), row.getBigDecimal(5))));
            CatalogSnapshot snapshot = new CatalogSnapshot(platforms, products);
            current = snapshot;
            return snapshot;
        }));
    }

    @PreDestroy
    void stop() {
        if (refreshes != null) {
            refreshes.cancel();
        }
    }
}
