package com.salesstream.order;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.salesstream.SalesConfig;

/**
 * Turns orders into Kafka values and back; every rule of the message itself is checked here. Whether its platform
 * and product exist is the catalog's to say ({@code CatalogSnapshot.check}).
 */
@ApplicationScoped
public class OrderCodec {

    private final JsonMapper mapper;
    private final ObjectReader reader;
    private final ObjectWriter writer;
    private final SalesConfig.Orders limits;

    public OrderCodec(SalesConfig config) {
        // Strict on purpose: a string where a number belongs, a number where a string belongs, or a missing field,
        // is a bad record, not a zero or a "1".
        mapper = JsonMapper.builder()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION) // {"quantity":1,"quantity":9} is not one order
                .withCoercionConfig(LogicalType.Textual, text -> text
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
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
            throw new InvalidOrderException(Rejection.OVERSIZED, "more than the " + limits.maxBytes() + " bytes allowed");
        }
        if (value.length == 0) {
            throw new InvalidOrderException(Rejection.INVALID_JSON, "the record's value is empty");
        }
        Order order = parse(value);
        validate(order);
        return order;
    }

    private Order parse(byte[] value) throws InvalidOrderException {
        if (!startsAnObject(value)) {
            throw notAnObject(value);
        }
        try {
            return reader.readValue(value);
        } catch (RejectedValueException e) {
            throw new InvalidOrderException(e.rejection(), e.getOriginalMessage());
        } catch (InvalidFormatException | InputCoercionException e) {
            throw new InvalidOrderException(Rejection.WRONG_TYPE, e.getOriginalMessage());
        } catch (MismatchedInputException e) {
            throw new InvalidOrderException(mismatch(e.getOriginalMessage()), e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            // A number too large for its field arrives wrapped by the binding: a wrong type, not broken JSON.
            Rejection rejection = e.getCause() instanceof InputCoercionException ? Rejection.WRONG_TYPE : Rejection.INVALID_JSON;
            throw new InvalidOrderException(rejection, e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidOrderException(Rejection.INVALID_JSON, e.getMessage());
        }
    }

    /** An order is a JSON object: its first character past any whitespace is '{'. */
    private static boolean startsAnObject(byte[] value) {
        for (byte b : value) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b == '{';
            }
        }
        return false;
    }

    /** Told apart on this rare path only: valid JSON of another kind (null, 7, "x", [..]) or no JSON at all. */
    private InvalidOrderException notAnObject(byte[] value) {
        try {
            var node = mapper.readTree(value);
            return new InvalidOrderException(Rejection.NOT_AN_OBJECT,
                    "the value is a JSON " + node.getNodeType().name().toLowerCase() + ", not an object");
        } catch (IOException e) {
            return new InvalidOrderException(Rejection.INVALID_JSON, e.getMessage());
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
            throw new InvalidOrderException(Rejection.UNKNOWN_PAYMENT_METHOD, "payment method '"
                    + Abbreviated.of(order.paymentMethod()) + "' is not one of " + Order.PAYMENT_METHODS);
        }
        check(Rejection.INVALID_ID, "order_id", order.orderId(), Long.MAX_VALUE);
        check(Rejection.INVALID_ID, "customer_id", order.customerId(), Integer.MAX_VALUE);
    }

    private static void check(Rejection rejection, String field, long id, long max) throws InvalidOrderException {
        if (id < 1 || id > max) {
            throw new InvalidOrderException(rejection, field + " " + id + " is not in 1.." + max);
        }
    }
}
