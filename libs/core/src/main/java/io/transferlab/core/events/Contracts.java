package io.transferlab.core.events;

import java.util.List;
import java.util.UUID;

/** Checks shared by the event records' constructors; a failed check names the field. */
final class Contracts {

    private Contracts() {
    }

    static String newEventId() {
        return UUID.randomUUID().toString();
    }

    static void requireVersion(int schemaVersion) {
        if (schemaVersion < 1 || schemaVersion > TransferLabEvent.SCHEMA_VERSION) {
            throw new IllegalArgumentException("unsupported schemaVersion " + schemaVersion
                    + " (this build reads 1.." + TransferLabEvent.SCHEMA_VERSION + ")");
        }
    }

    static String requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return value;
    }

    static <T> T requireValue(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return value;
    }

    static <T> List<T> requireNonEmpty(List<T> values, String field) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("field '" + field + "' must list at least one value");
        }
        return List.copyOf(values);
    }

    static int requireNonNegative(int value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException("field '" + field + "' must not be negative, was " + value);
        }
        return value;
    }

    static String requireSha256(String value, String field) {
        requireText(value, field);
        if (!value.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("field '" + field + "' is not a lowercase hex sha256: " + value);
        }
        return value;
    }
}
