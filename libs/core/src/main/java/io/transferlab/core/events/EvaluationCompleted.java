package io.transferlab.core.events;

import java.time.Instant;

/** evaluator → gateway: a checkpoint was scored on its manifest's test part. */
public record EvaluationCompleted(int schemaVersion, String eventId, String studyId, String runId,
                                  Instant occurredAt, String strategy, double microF1, double macroF1,
                                  double top1Accuracy, int testImages, String evaluationRef)
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
    }

    public static EvaluationCompleted of(String studyId, String runId, String strategy, double microF1, double macroF1,
                                         double top1Accuracy, int testImages, String evaluationRef) {
        return new EvaluationCompleted(SCHEMA_VERSION, Contracts.newEventId(), studyId, runId, Instant.now(), strategy,
                microF1, macroF1, top1Accuracy, testImages, evaluationRef);
    }
}
