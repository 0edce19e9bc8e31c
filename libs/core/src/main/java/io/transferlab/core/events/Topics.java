package io.transferlab.core.events;

import java.util.Map;

/**
 * The one place where topic names live. Each event kind has its own topic; the services use the topic name as
 * their channel name too, so no configuration file repeats it.
 */
public final class Topics {

    public static final String STUDY_REQUESTED = "study-requested";
    public static final String SPLIT_MANIFEST_PUBLISHED = "split-manifest-published";
    public static final String TRAINING_PROGRESS = "training-progress";
    public static final String CHECKPOINT_CREATED = "checkpoint-created";
    public static final String EVALUATION_COMPLETED = "evaluation-completed";
    public static final String RUN_FAILED = "run-failed";
    public static final String DATASET_VERSION_CHANGED = "dataset-version-changed";
    /** Where consumers put records they could not process, with the reason in a header. */
    public static final String DEAD_LETTER = "dead-letter";

    private static final Map<Class<? extends TransferLabEvent>, String> BY_EVENT = Map.of(
            StudyRequested.class, STUDY_REQUESTED,
            SplitManifestPublished.class, SPLIT_MANIFEST_PUBLISHED,
            TrainingProgress.class, TRAINING_PROGRESS,
            CheckpointCreated.class, CHECKPOINT_CREATED,
            EvaluationCompleted.class, EVALUATION_COMPLETED,
            RunFailed.class, RUN_FAILED,
            DatasetVersionChanged.class, DATASET_VERSION_CHANGED);

    private Topics() {
    }

    /** Every topic, the dead-letter topic included. */
    public static java.util.List<String> all() {
        return java.util.List.of(STUDY_REQUESTED, SPLIT_MANIFEST_PUBLISHED, TRAINING_PROGRESS, CHECKPOINT_CREATED,
                EVALUATION_COMPLETED, RUN_FAILED,
                DATASET_VERSION_CHANGED, DEAD_LETTER);
    }

    public static String of(TransferLabEvent event) {
        return of(event.getClass());
    }

    public static String of(Class<? extends TransferLabEvent> eventType) {
        String topic = BY_EVENT.get(eventType);
        if (topic == null) {
            throw new IllegalArgumentException("no topic for " + eventType.getName());
        }
        return topic;
    }
}
