package com.salesstream.analytics;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import com.salesstream.order.Abbreviated;
import com.salesstream.order.Order;
import com.salesstream.pipeline.OrderStore;

import io.smallrye.mutiny.Uni;

/** One raw order from the OLTP store. */
@Path("/api/orders")
@Produces(MediaType.APPLICATION_JSON)
public class OrderResource {

    private final OrderStore orders;

    OrderResource(OrderStore orders) {
        this.orders = orders;
    }

    @GET
    @Path("/{order_id}")
    @Operation(summary = "The order as Cassandra holds it; 404 when there is none")
    public Uni<Order> order(@PathParam("order_id") String orderId) {
        long id;
        try {
            id = Long.parseLong(orderId);
        } catch (NumberFormatException e) {
            throw new BadRequest("order_id must be a 64-bit integer, not '" + Abbreviated.of(orderId) + "'");
        }
        return orders.find(id).onItem().ifNull().failWith(() -> new NotFound("no order " + id));
    }
}
