package io.transferlab.platform.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.transferlab.core.events.MalformedEventException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Every service answers errors the same way: a status and a JSON body whose message names the problem. A client's
 * mistake (a malformed or unknown field, a value out of range) is a 4xx naming the field; anything else is a 500
 * with a reference to the log line that holds the details — never a stack trace in a response.
 */
public class ErrorResponses {

    private static final Logger LOG = Logger.getLogger(ErrorResponses.class);

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
        if (e.getCause() instanceof JsonProcessingException unreadable) {
            return unreadable(unreadable); // the JSON reader's own 400, with what it could not read named
        }
        if (e.getResponse().getStatus() == 400 && e.getCause() instanceof java.io.IOException io) {
            return of(400, truncate("the body could not be read as JSON: " + io.getMessage()));
        }
        if (e.getResponse().getStatus() >= 500) {
            return internal(e);
        }
        return of(e.getResponse().getStatus(), e.getMessage());
    }

    /** A request body (or parameter) broke its declared constraints: every violation, named by its field. */
    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        String violations = e.getConstraintViolations().stream()
                .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
                .map(ErrorResponses::describe)
                .collect(Collectors.joining("; "));
        return of(Response.Status.BAD_REQUEST.getStatusCode(), "invalid request: " + violations);
    }

    /** A body that is not JSON, has a field of the wrong type, or a field the API does not know. */
    @ServerExceptionMapper
    public Response unreadable(JsonProcessingException e) {
        String message;
        if (e instanceof UnrecognizedPropertyException unknown) {
            message = "unknown field '" + unknown.getPropertyName() + "'"
                    + (unknown.getKnownPropertyIds() == null ? "" : " (known: " + unknown.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")");
        } else if (!io.transferlab.core.events.EventCodec.path(e).isEmpty()) {
            message = "field '" + io.transferlab.core.events.EventCodec.path(e) + "' has the wrong type or form: "
                    + e.getOriginalMessage();
        } else {
            message = "the body is not valid JSON: " + e.getOriginalMessage();
        }
        return of(Response.Status.BAD_REQUEST.getStatusCode(), truncate(message));
    }

    /** Named apart from {@link #unreadable}: Quarkus' own mappers for these would answer in another form. */
    @ServerExceptionMapper
    public Response mismatched(com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
        return unreadable(e);
    }

    @ServerExceptionMapper
    public Response notJson(com.fasterxml.jackson.core.JsonParseException e) {
        return unreadable(e);
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        return unreadable(e);
    }

    @ServerExceptionMapper
    public Response wrongForm(com.fasterxml.jackson.databind.exc.InvalidFormatException e) {
        return unreadable(e);
    }

    /** A stored file does not match the checksum its event carried: named, never served. */
    @ServerExceptionMapper
    public Response damaged(io.transferlab.core.storage.ChecksumMismatchException e) {
        return of(Response.Status.INTERNAL_SERVER_ERROR.getStatusCode(), e.getMessage());
    }

    /** Anything unforeseen: logged with its stack trace under a reference the response gives, nothing more. */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e) {
        return internal(e);
    }

    private static Response internal(Throwable e) {
        String reference = UUID.randomUUID().toString();
        LOG.errorf(e, "internal error %s", reference);
        return of(Response.Status.INTERNAL_SERVER_ERROR.getStatusCode(),
                "internal error (reference " + reference + " in the service's log)");
    }

    private static String describe(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        // "create.request.seeds[0].<list element>" → "seeds[0]": the method and parameter names mean nothing to a client
        String[] parts = path.split("\\.");
        if (parts.length <= 2) {
            return violation.getMessage(); // the body itself (missing)
        }
        StringBuilder field = new StringBuilder();
        for (int i = Math.min(2, parts.length - 1); i < parts.length; i++) {
            if (parts[i].startsWith("<")) {
                continue;
            }
            field.append(field.isEmpty() ? "" : ".").append(parts[i]);
        }
        return "'" + (field.isEmpty() ? path : field) + "' " + violation.getMessage();
    }

    private static String truncate(String message) {
        return message.length() > 500 ? message.substring(0, 500) + "…" : message;
    }

    public static Response of(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(status, message)).build();
    }
}
