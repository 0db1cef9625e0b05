package com.salesstream.order;

import static java.time.temporal.ChronoField.DAY_OF_MONTH;
import static java.time.temporal.ChronoField.HOUR_OF_DAY;
import static java.time.temporal.ChronoField.MINUTE_OF_HOUR;
import static java.time.temporal.ChronoField.MONTH_OF_YEAR;
import static java.time.temporal.ChronoField.SECOND_OF_MINUTE;
import static java.time.temporal.ChronoField.YEAR;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

/**
 * The SPEC's {@code created_at}: a JSON string of exactly {@code yyyy-MM-dd HH:mm:ss} (UTC) naming a real calendar
 * date and time, in years both stores hold. Nothing is bent into shape: no February 30th, no 24:00:00, no sign, no
 * array form.
 */
public final class CreatedAt {

    /** MySQL's DATE range; Cassandra's timestamp holds far more. */
    public static final int FIRST_YEAR = 1000;
    public static final int LAST_YEAR = 9999;

    // Fixed widths and no sign; STRICT refuses dates that do not exist instead of moving them to the month's end.
    static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
            .appendValue(YEAR, 4).appendLiteral('-').appendValue(MONTH_OF_YEAR, 2).appendLiteral('-')
            .appendValue(DAY_OF_MONTH, 2).appendLiteral(' ').appendValue(HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(MINUTE_OF_HOUR, 2).appendLiteral(':').appendValue(SECOND_OF_MINUTE, 2)
            .toFormatter(Locale.ROOT).withChronology(IsoChronology.INSTANCE).withResolverStyle(ResolverStyle.STRICT);

    private CreatedAt() {
    }

    static LocalDateTime parse(String text) throws RejectedValueException {
        LocalDateTime parsed;
        try {
            parsed = LocalDateTime.parse(text, FORMAT);
        } catch (DateTimeException e) {
            throw new RejectedValueException(Rejection.INVALID_CREATED_AT,
                    "created_at '" + Abbreviated.of(text) + "' is not a real date and time as yyyy-MM-dd HH:mm:ss");
        }
        if (parsed.getYear() < FIRST_YEAR) {
            throw new RejectedValueException(Rejection.INVALID_CREATED_AT,
                    "created_at '" + text + "' is before the year " + FIRST_YEAR);
        }
        return parsed;
    }

    /** Reads created_at; a number, an array or an object there is a wrong type. */
    public static final class Deserializer extends StdDeserializer<LocalDateTime> {
        public Deserializer() {
            super(LocalDateTime.class);
        }

        @Override
        public LocalDateTime deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken() != JsonToken.VALUE_STRING) {
                throw new RejectedValueException(Rejection.WRONG_TYPE,
                        "created_at must be a string, not " + parser.currentToken());
            }
            return parse(parser.getText());
        }
    }

    public static final class Serializer extends StdSerializer<LocalDateTime> {
        public Serializer() {
            super(LocalDateTime.class);
        }

        @Override
        public void serialize(LocalDateTime value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeString(FORMAT.format(value));
        }
    }
}
