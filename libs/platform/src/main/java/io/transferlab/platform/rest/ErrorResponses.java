package io.transferlab.platform.rest;

import io.transferlab.core.events.MalformedEventException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every service answers errors the same way: a status and a JSON body whose message names the problem. */
public class ErrorResponses {

    public record ApiError(int status, String error) {
    }

    @ServerExceptionMapper
    public Response badRequest(IllegalArgumentException e) {
        return of(Response.Status.BAD_REQUEST.getStatusCode(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response malformed(MalformedEventException e) {
        return of(Response.Status.BAD_REQUEST.getStatusCode(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        return of(e.getResponse().getStatus(), e.getMessage());
    }

    /** A stored file does not match the checksum its event carried: named, never served. */
    @ServerExceptionMapper
    public Response damaged(io.transferlab.core.storage.ChecksumMismatchException e) {
        return of(Response.Status.INTERNAL_SERVER_ERROR.getStatusCode(), e.getMessage());
    }

    public static Response of(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(status, message)).build();
    }
}
