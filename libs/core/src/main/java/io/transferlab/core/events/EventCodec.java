package io.transferlab.core.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** Events ⇄ JSON. Unknown fields are tolerated (newer producers), missing or invalid ones are not. */
public final class EventCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private EventCodec() {
    }

    public static String toJson(TransferLabEvent event) {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + event.getClass().getSimpleName(), e);
        }
    }

    public static <T extends TransferLabEvent> T fromJson(String json, Class<T> type) {
        String kind = type.getSimpleName();
        if (json == null || json.isBlank()) {
            throw new MalformedEventException("empty " + kind + " record", null);
        }
        try {
            return MAPPER.readValue(json, type);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new MalformedEventException("invalid " + kind + ": " + cause.getMessage(), e);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("malformed " + kind + " JSON: " + field(e) + e.getOriginalMessage(), e);
        }
    }

    /** "field 'seed': " when Jackson knows where in the record it failed (so the reason names the field). */
    private static String field(JsonProcessingException e) {
        String path = path(e);
        return path.isEmpty() ? "" : "field '" + path + "': ";
    }

    /**
     * Where in a JSON document Jackson failed, as "seeds[1]" or "manifest.classes" (empty when it does not know):
     * what events and request bodies name in their errors.
     */
    public static String path(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException mapping) || mapping.getPath().isEmpty()) {
            return "";
        }
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : mapping.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
