package com.salesstream.analytics;

import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Bad input gets 400 with a JSON problem body that says what is wrong; a request beyond the API's bounds gets 503
 * with a Retry-After, never a wait that holds the pipeline.
 */
class ProblemMapper {

    static final String PROBLEM_JSON = "application/problem+json";

    @ServerExceptionMapper
    Response badRequest(BadRequest e) {
        return Response.status(Response.Status.BAD_REQUEST).type(PROBLEM_JSON)
                .entity(new Problem("Bad Request", 400, e.getMessage())).build();
    }

    @ServerExceptionMapper
    Response overloaded(Overloaded e) {
        return unavailable(e.getMessage());
    }

    @ServerExceptionMapper
    Response bulkheadFull(BulkheadException e) {
        return unavailable("too many requests for the analytics at once; try again shortly");
    }

    @ServerExceptionMapper
    Response timedOut(TimeoutException e) {
        return unavailable("the analytics store did not answer in time; try again shortly");
    }

    private static Response unavailable(String detail) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(PROBLEM_JSON).header("Retry-After", "1")
                .entity(new Problem("Service Unavailable", 503, detail)).build();
    }

    @ServerExceptionMapper
    Response notFound(NotFound e) {
        return Response.status(Response.Status.NOT_FOUND).type(PROBLEM_JSON)
                .entity(new Problem("Not Found", 404, e.getMessage())).build();
    }
}
