package io.transferlab.core.events;

import java.time.Instant;

/**
 * any service → gateway: a study or one of its runs cannot go on.
 *
 * @param runId  the failed run, or null when the whole study failed before runs existed
 * @param stage  what was being done (split, intake, training, evaluation)
 * @param reason a message for people, naming the problem
 */
public record RunFailed(int schemaVersion, String eventId, String studyId, String runId, Instant occurredAt,
                        String service, String stage, String reason)
        implements TransferLabEvent {

    public RunFailed {
        Contracts.requireVersion(schemaVersion);
        Contracts.requireText(eventId, "eventId");
        Contracts.requireText(studyId, "studyId");
        Contracts.requireValue(occurredAt, "occurredAt");
        Contracts.requireText(service, "service");
        Contracts.requireText(stage, "stage");
        Contracts.requireText(reason, "reason");
    }

    public static RunFailed of(String studyId, String runId, String service, String stage, String reason) {
        return new RunFailed(SCHEMA_VERSION, Contracts.newEventId(), studyId, runId, Instant.now(), service, stage,
                reason);
    }
}
