package com.salesstream.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import com.salesstream.TestConfig;

class OrderCodecTest {

    private final OrderCodec codec = new OrderCodec(TestConfig.defaults());

    @Test
    void encodesTheSpecMessageAndDecodesItBack() throws InvalidOrderException {
        Order order = new Order(42, LocalDateTime.of(2026, 11, 25, 13, 5, 9), 3, 17, 4, 999, "bank transfer");

        String json = new String(codec.encode(order), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"order_id\":42,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":3,"
                + "\"product_id\":17,\"quantity\":4,\"customer_id\":999,\"payment_method\":\"bank transfer\"}");
        assertThat(codec.decode(codec.encode(order))).isEqualTo(order);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not json at all                    | INVALID_JSON           | {oops",
            "trailing garbage                   | INVALID_JSON           | " + VALID + " x",
            "trailing brace                     | INVALID_JSON           | " + VALID + "}",
            "missing field                      | MISSING_FIELD          | {\"order_id\":1,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1}",
            "null field                         | MISSING_FIELD          | {\"order_id\":1,\"created_at\":null,\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "string where a number belongs      | WRONG_TYPE             | {\"order_id\":\"1\",\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "fraction where an integer belongs  | WRONG_TYPE             | {\"order_id\":1,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":1.5,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "zero quantity                      | INVALID_QUANTITY       | {\"order_id\":1,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":0,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "negative quantity                  | INVALID_QUANTITY       | {\"order_id\":1,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":-3,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "unknown payment method             | UNKNOWN_PAYMENT_METHOD | {\"order_id\":1,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"cash\"}",
            "an array of orders                 | NOT_AN_OBJECT          | [" + VALID + "]",
            "a field given twice                 | INVALID_JSON           | {\"quantity\":9,\"order_id\":1,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "the JSON literal null              | NOT_AN_OBJECT          | null",
            "a JSON number                      | NOT_AN_OBJECT          | 42",
            "a JSON string                      | NOT_AN_OBJECT          | \"order\"",
            "a JSON boolean                     | NOT_AN_OBJECT          | true",
            "badly formatted date               | INVALID_CREATED_AT     | {\"order_id\":1,\"created_at\":\"25/11/2026\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "February 30th                      | INVALID_CREATED_AT     | {\"order_id\":1,\"created_at\":\"2026-02-30 10:00:00\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "February 29th of a common year     | INVALID_CREATED_AT     | {\"order_id\":1,\"created_at\":\"2025-02-29 10:00:00\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "hour 24                            | INVALID_CREATED_AT     | {\"order_id\":1,\"created_at\":\"2026-01-02 24:00:00\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "second 60                          | INVALID_CREATED_AT     | {\"order_id\":1,\"created_at\":\"2026-01-02 23:59:60\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "a signed year beyond 9999          | INVALID_CREATED_AT     | {\"order_id\":1,\"created_at\":\"+300000000-01-01 00:00:00\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "a five-digit year                  | INVALID_CREATED_AT     | {\"order_id\":1,\"created_at\":\"10000-01-01 00:00:00\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "a year before 1000                 | INVALID_CREATED_AT     | {\"order_id\":1,\"created_at\":\"0999-12-31 23:59:59\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "ISO T separator                    | INVALID_CREATED_AT     | {\"order_id\":1,\"created_at\":\"2026-01-02T03:04:05\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "fraction of a second               | INVALID_CREATED_AT     | {\"order_id\":1,\"created_at\":\"2026-01-02 03:04:05.5\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "time zone suffix                   | INVALID_CREATED_AT     | {\"order_id\":1,\"created_at\":\"2026-01-02 03:04:05Z\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "single-digit month                 | INVALID_CREATED_AT     | {\"order_id\":1,\"created_at\":\"2026-1-02 03:04:05\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "created_at as an array             | WRONG_TYPE             | {\"order_id\":1,\"created_at\":[2026,1,2,3,4,5],\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "created_at as a number             | WRONG_TYPE             | {\"order_id\":1,\"created_at\":1767322800,\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "payment method as a number         | WRONG_TYPE             | {\"order_id\":1,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":1}",
            "payment method as a boolean        | WRONG_TYPE             | {\"order_id\":1,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":true}",
            "payment method as an object        | WRONG_TYPE             | {\"order_id\":1,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":{}}",
            "quantity as a boolean              | WRONG_TYPE             | {\"order_id\":1,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":true,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "quantity beyond int                | WRONG_TYPE             | {\"order_id\":1,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":99999999999,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "order id beyond long               | WRONG_TYPE             | {\"order_id\":99999999999999999999,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "quantity in exponent form          | WRONG_TYPE             | {\"order_id\":1,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":1e2,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "quantity above the sanity bound    | INVALID_QUANTITY       | {\"order_id\":1,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":1000001,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "non-positive order id              | INVALID_ID             | {\"order_id\":0,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "negative customer id               | INVALID_ID             | {\"order_id\":1,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":-1,\"payment_method\":\"paypal\"}",
    })
    void rejectsABadRecordWithItsReason(String kind, Rejection expected, String value) {
        assertThatThrownBy(() -> codec.decode(value.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidOrderException.class, e -> assertThat(e.rejection()).as(e.getMessage()).isEqualTo(expected))
                .message().isNotBlank();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "leap day of a leap year     | 2024-02-29 12:00:00",
            "first second of year 1000   | 1000-01-01 00:00:00",
            "last second of year 9999    | 9999-12-31 23:59:59",
    })
    void acceptsRealDatesInRange(String kind, String createdAt) throws InvalidOrderException {
        Order order = codec.decode(VALID.replace("2026-11-25 13:05:09", createdAt).getBytes(StandardCharsets.UTF_8));

        assertThat(codec.decode(codec.encode(order))).isEqualTo(order);
    }

    @Test
    void acceptsLargeCustomerIdsAndQuantitiesThatTheGeneratorNeverDraws() throws InvalidOrderException {
        Order order = codec.decode(VALID.replace("\"customer_id\":1", "\"customer_id\":2000000000")
                .replace("\"quantity\":1", "\"quantity\":500").getBytes(StandardCharsets.UTF_8));

        assertThat(order.customerId()).isEqualTo(2_000_000_000);
        assertThat(order.quantity()).isEqualTo(500);
    }

    @Test
    void boundsTheTextItQuotesFromAHostileValue() {
        String huge = "x".repeat(3_000);

        assertThatThrownBy(() -> codec.decode(VALID.replace("paypal", huge).getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidOrderException.class, e -> assertThat(e.getMessage()).hasSizeLessThan(400));
    }

    @Test
    void rejectsAnEmptyValue() {
        assertThatThrownBy(() -> codec.decode(new byte[0]))
                .isInstanceOfSatisfying(InvalidOrderException.class,
                        e -> assertThat(e.rejection()).isEqualTo(Rejection.INVALID_JSON));
    }

    @Test
    void rejectsANullValue() {
        assertThatThrownBy(() -> codec.decode(null))
                .isInstanceOfSatisfying(InvalidOrderException.class,
                        e -> assertThat(e.rejection()).isEqualTo(Rejection.NULL_VALUE));
    }

    @Test
    void rejectsAnOversizedValueWithoutParsingIt() {
        byte[] huge = new byte[TestConfig.defaults().orders().maxBytes() + 1];

        assertThatThrownBy(() -> codec.decode(huge))
                .isInstanceOfSatisfying(InvalidOrderException.class,
                        e -> assertThat(e.rejection()).isEqualTo(Rejection.OVERSIZED));
    }

    private static final String VALID = "{\"order_id\":1,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,"
            + "\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}";
}
