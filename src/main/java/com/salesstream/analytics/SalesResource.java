package com.salesstream.analytics;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestStreamElementType;

import com.salesstream.order.Abbreviated;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** The analytics of the OLAP store: today's sales and profit (from memory), per-day totals, and the live feed. */
@Path("/api/sales")
@Produces(MediaType.APPLICATION_JSON)
public class SalesResource {

    /** The longest range /daily answers: a year and a day. */
    static final int MAX_DAYS = 366;
    /** Exactly yyyy-MM-dd: four unsigned year digits (uuuu would take "+12026" and "-0001"). */
    private static final DateTimeFormatter DATE = new DateTimeFormatterBuilder().appendValue(ChronoField.YEAR, 4)
            .appendLiteral('-').appendValue(ChronoField.MONTH_OF_YEAR, 2).appendLiteral('-')
            .appendValue(ChronoField.DAY_OF_MONTH, 2).toFormatter().withResolverStyle(ResolverStyle.STRICT);
    /** MySQL's DATE starts at 1000-01-01. */
    private static final LocalDate FIRST_DAY = LocalDate.of(1000, 1, 1);

    private final TodayFigures today;
    private final SalesQueries queries;

    SalesResource(TodayFigures today, SalesQueries queries) {
        this.today = today;
        this.queries = queries;
    }

    @GET
    @Path("/today")
    @Operation(summary = "Today's (UTC) sales and profit: totals, per platform, per category, top products, per minute")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = TodaySales.class)))
    public Uni<String> today() {
        return today.current(); // already JSON: serialized once per saved window, not once per request
    }

    @GET
    @Path("/daily")
    @Operation(summary = "Per-day totals from one date to another (yyyy-MM-dd, both included, at most 366 days)")
    public Uni<List<DailyTotals>> daily(@QueryParam("from") String from, @QueryParam("to") String to) {
        LocalDate first = date("from", from);
        LocalDate last = date("to", to);
        if (last.isBefore(first)) {
            throw new BadRequest("'to' (" + to + ") is before 'from' (" + from + ")");
        }
        if (ChronoUnit.DAYS.between(first, last) + 1 > MAX_DAYS) {
            throw new BadRequest("the range holds more than " + MAX_DAYS + " days");
        }
        return queries.daily(first, last);
    }

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    // Each event's data is the JSON of TodaySales, serialized once for all subscribers.
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    @Operation(summary = "Today's figures (as GET /today) now and after every saved window, as Server-Sent Events")
    public Multi<String> stream() {
        return today.updates();
    }

    private static LocalDate date(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new BadRequest("query parameter '" + name + "' is required, as yyyy-MM-dd");
        }
        LocalDate date;
        try {
            date = LocalDate.parse(value, DATE);
        } catch (DateTimeParseException e) {
            throw new BadRequest("query parameter '" + name + "' is not a date as yyyy-MM-dd: '"
                    + Abbreviated.of(value) + "'");
        }
        if (date.isBefore(FIRST_DAY)) {
            throw new BadRequest("query parameter '" + name + "' is before " + FIRST_DAY + ": '" + value + "'");
        }
        return date;
    }
}
