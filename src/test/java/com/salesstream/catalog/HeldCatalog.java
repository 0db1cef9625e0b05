package com.salesstream.catalog;

import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.inject.Vetoed;

import com.salesstream.SalesConfig;

import io.smallrye.mutiny.Uni;

/** A catalog without MySQL, ready once the test says so: whatever waits for it (a batch, the generator) waits. */
@Vetoed
public final class HeldCatalog extends Catalog {

    private final CompletableFuture<CatalogSnapshot> ready = new CompletableFuture<>();

    public HeldCatalog(SalesConfig config) {
        super(null, null, config);
    }

    /** Ready from now on; the snapshot is null, enough for batches without records. */
    public void release() {
        ready.complete(null);
    }

    @Override
    public Uni<CatalogSnapshot> ready() {
        return Uni.createFrom().completionStage(ready);
    }
}
