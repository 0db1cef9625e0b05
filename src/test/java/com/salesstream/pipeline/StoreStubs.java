package com.salesstream.pipeline;

import java.lang.reflect.Constructor;

import com.salesstream.PipelineMetrics;
import com.salesstream.Retries;
import com.salesstream.SalesConfig;

/** The real collaborators of the stores, built without Quarkus. */
final class StoreStubs {

    private StoreStubs() {
    }

    /** The service's one retry recipe; its constructor is for CDI only, hence reflection. */
    static Retries retries(PipelineMetrics metrics, SalesConfig config) {
        try {
            Constructor<Retries> constructor = Retries.class.getDeclaredConstructor(PipelineMetrics.class, SalesConfig.class);
            constructor.setAccessible(true);
            return constructor.newInstance(metrics, config);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
