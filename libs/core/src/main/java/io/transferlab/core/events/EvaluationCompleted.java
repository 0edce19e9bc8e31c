package io.transferlab.core.events;

import java.time.Instant;

/**
 * evaluator → gateway: a checkpoint was scored on its manifest's test part. The full report (per-class figures,
 * the confusion matrix, the class names) is the file {@code evaluationRef} under the storage root, whose SHA-256
 * is {@code evaluationSha256}.
 */
public record EvaluationCompleted(int schemaVersion, String eventId, String studyId, String runId,
                                  Instant occurredAt, String strategy, double microF1, double macroF1,
                                  double top1Accuracy, int testImages, String evaluationRef,
                                  String evaluationSha256)
        implements TransferLabEvent {

    public EvaluationCompleted {
        Contracts.requireVersion(schemaVersion);
        Contracts.requireText(eventId, "eventId");
        Contracts.requireText(studyId, "studyId");
        Contracts.requireText(runId, "runId");
        Contracts.requireValue(occurredAt, "occurredAt");
        Contracts.requireText(strategy, "strategy");
        Contracts.requireNonNegative(testImages, "testImages");
        Contracts.requireText(evaluationRef, "evaluationRef");
        Contracts.requireSha256(evaluationSha256, "evaluationSha256");
    }

    public static EvaluationCompleted of(String studyId, String runId, String strategy, double microF1, double macroF1,
                                         double top1Accuracy, int testImages, String evaluationRef,
                                         String evaluationSha256) {
        return new EvaluationCompleted(SCHEMA_VERSION, Contracts.newEventId(), studyId, runId, Instant.now(), strategy,
                microF1, macroF1, top1Accuracy, testImages, evaluationRef, evaluationSha256);
    }
}
