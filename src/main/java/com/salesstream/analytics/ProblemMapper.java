package com.salesstream.analytics;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Bad input gets 400 with a JSON problem body that says what is wrong. */
class ProblemMapper {

    static final String PROBLEM_JSON = "application/problem+json";

    @ServerExceptionMapper
    Response badRequest(BadRequest e) {
        return Response.status(Response.Status.BAD_REQUEST).type(PROBLEM_JSON)
                .entity(new Problem("Bad Request", 400, e.getMessage())).build();
    }

    @ServerExceptionMapper
    Response notFound(NotFound e) {
        return Response.status(Response.Status.NOT_FOUND).type(PROBLEM_JSON)
                .entity(new Problem("Not Found", 404, e.getMessage())).build();
    }
}
