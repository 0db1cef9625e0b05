package com.salesstream.order;

import java.time.LocalDateTime;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One sales order, as the SPEC's order message describes it; created_at is UTC. */
@RegisterForReflection // Jackson binds it reflectively, in a native image too
public record Order(
        @JsonProperty("order_id") long orderId,
        @JsonProperty("created_at") @JsonFormat(pattern = CREATED_AT_PATTERN) LocalDateTime createdAt,
        @JsonProperty("platform_id") int platformId,
        @JsonProperty("product_id") int productId,
        @JsonProperty("quantity") int quantity,
        @JsonProperty("customer_id") int customerId,
        @JsonProperty("payment_method") String paymentMethod) {

    public static final String CREATED_AT_PATTERN = "yyyy-MM-dd HH:mm:ss";

    public static final Set<String> PAYMENT_METHODS = Set.of("credit card", "debit card", "bank transfer", "paypal");
}
