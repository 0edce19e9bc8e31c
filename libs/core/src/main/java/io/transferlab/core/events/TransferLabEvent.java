package io.transferlab.core.events;

import java.time.Instant;

/**
 * What every TransferLab event carries: the contract version it was written with, its own id (the key for
 * idempotent consumers) and the study it belongs to. Events that concern one training run also carry a runId.
 */
public sealed interface TransferLabEvent
        permits StudyRequested, SplitManifestPublished, TrainingProgress, CheckpointCreated, EvaluationCompleted,
        RunFailed, DatasetVersionChanged {

    /** The contract version this code writes and reads. */
    int SCHEMA_VERSION = 1;

    int schemaVersion();

    String eventId();

    /** The study the event belongs to; null only for events about a dataset ({@link DatasetVersionChanged}). */
    String studyId();

    Instant occurredAt();

    /** The Kafka record key: events of one study stay in order on one partition. */
    default String key() {
        return studyId();
    }
}
