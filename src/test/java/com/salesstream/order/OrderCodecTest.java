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
            "an array of orders                 | WRONG_TYPE             | [" + VALID + "]",
            "missing field                      | MISSING_FIELD          | {\"order_id\":1,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1}",
            "null field                         | MISSING_FIELD          | {\"order_id\":1,\"created_at\":null,\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "string where a number belongs      | WRONG_TYPE             | {\"order_id\":\"1\",\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "fraction where an integer belongs  | WRONG_TYPE             | {\"order_id\":1,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":1.5,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "badly formatted date               | WRONG_TYPE             | {\"order_id\":1,\"created_at\":\"25/11/2026\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "zero quantity                      | INVALID_QUANTITY       | {\"order_id\":1,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":0,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "negative quantity                  | INVALID_QUANTITY       | {\"order_id\":1,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":-3,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "unknown payment method             | UNKNOWN_PAYMENT_METHOD | {\"order_id\":1,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"cash\"}",
            "unknown platform                   | UNKNOWN_ID             | {\"order_id\":1,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":5,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "unknown product                    | UNKNOWN_ID             | {\"order_id\":1,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":21,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
            "non-positive order id              | UNKNOWN_ID             | {\"order_id\":0,\"created_at\":\"2026-11-25 13:05:09\",\"platform_id\":1,\"product_id\":1,\"quantity\":1,\"customer_id\":1,\"payment_method\":\"paypal\"}",
    })
    void rejectsABadRecordWithItsReason(String kind, Rejection expected, String value) {
        assertThatThrownBy(() -> codec.decode(value.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidOrderException.class, e -> assertThat(e.rejection()).as(e.getMessage()).isEqualTo(expected))
                .message().isNotBlank();
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
