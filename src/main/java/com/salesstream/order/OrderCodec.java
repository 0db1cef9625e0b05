package com.salesstream.order;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.salesstream.SalesConfig;

/** Turns orders into Kafka values and back; every rule a valid order obeys is checked here. */
@ApplicationScoped
public class OrderCodec {

    private final ObjectReader reader;
    private final ObjectWriter writer;
    private final SalesConfig.Orders limits;

    public OrderCodec(SalesConfig config) {
        // Strict on purpose: a string where a number belongs, or a missing field, is a bad record, not a zero.
        JsonMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        this.reader = mapper.readerFor(Order.class);
        this.writer = mapper.writerFor(Order.class);
        this.limits = config.orders();
    }

    public byte[] encode(Order order) {
        try {
            return writer.writeValueAsBytes(order);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot encode " + order, e);
        }
    }

    /** Parses and validates a Kafka value. */
    public Order decode(byte[] value) throws InvalidOrderException {
        if (value == null) {
            throw new InvalidOrderException(Rejection.NULL_VALUE, "the record has no value");
        }
        if (value.length > limits.maxBytes()) {
            throw new InvalidOrderException(Rejection.OVERSIZED,
                    value.length + " bytes, more than the " + limits.maxBytes() + " allowed");
        }
        if (value.length == 0) {
            throw new InvalidOrderException(Rejection.INVALID_JSON, "the record's value is empty");
        }
        Order order = parse(value);
        validate(order);
        return order;
    }

    private Order parse(byte[] value) throws InvalidOrderException {
        try {
            return reader.readValue(value);
        } catch (InvalidFormatException e) {
            throw new InvalidOrderException(Rejection.WRONG_TYPE, e.getOriginalMessage());
        } catch (MismatchedInputException e) {
            throw new InvalidOrderException(mismatch(e.getOriginalMessage()), e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new InvalidOrderException(Rejection.INVALID_JSON, e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidOrderException(Rejection.INVALID_JSON, e.getMessage());
        }
    }

    /** Jackson tells these cases apart only in its messages. */
    private static Rejection mismatch(String message) {
        if (message.contains("creator property")) {
            return Rejection.MISSING_FIELD; // "Missing creator property 'x'" and "Null value for creator property 'x'"
        }
        if (message.startsWith("Trailing token")) {
            return Rejection.INVALID_JSON;
        }
        return Rejection.WRONG_TYPE;
    }

    private void validate(Order order) throws InvalidOrderException {
        if (order.quantity() < 1 || order.quantity() > limits.maxQuantity()) {
            throw new InvalidOrderException(Rejection.INVALID_QUANTITY,
                    "quantity " + order.quantity() + " is not in 1.." + limits.maxQuantity());
        }
        if (!Order.PAYMENT_METHODS.contains(order.paymentMethod())) {
            throw new InvalidOrderException(Rejection.UNKNOWN_PAYMENT_METHOD,
                    "payment method '" + order.paymentMethod() + "' is not one of " + Order.PAYMENT_METHODS);
        }
        checkId("order_id", order.orderId(), Long.MAX_VALUE);
        checkId("platform_id", order.platformId(), limits.maxPlatformId());
        checkId("product_id", order.productId(), limits.maxProductId());
        checkId("customer_id", order.customerId(), limits.maxCustomerId());
    }

    private static void checkId(String field, long id, long max) throws InvalidOrderException {
        if (id < 1 || id > max) {
            throw new InvalidOrderException(Rejection.UNKNOWN_ID, field + " " + id + " is not in 1.." + max);
        }
    }
}
