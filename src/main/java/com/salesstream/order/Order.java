package com.salesstream.order;

import java.time.LocalDateTime;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One sales order, as the SPEC's order message describes it; created_at is UTC. */
// Jackson binds it and creates its created_at (de)serializers reflectively, in a native image too
@RegisterForReflection(targets = { Order.class, CreatedAt.Serializer.class, CreatedAt.Deserializer.class })
public record Order(
        @JsonProperty("order_id") long orderId,
        @JsonProperty("created_at") @JsonSerialize(using = CreatedAt.Serializer.class)
        @JsonDeserialize(using = CreatedAt.Deserializer.class) LocalDateTime createdAt,
        @JsonProperty("platform_id") int platformId,
        @JsonProperty("product_id") int productId,
        @JsonProperty("quantity") int quantity,
        @JsonProperty("customer_id") int customerId,
        @JsonProperty("payment_method") String paymentMethod) {

    public static final Set<String> PAYMENT_METHODS = Set.of("credit card", "debit card", "bank transfer", "paypal");
}
