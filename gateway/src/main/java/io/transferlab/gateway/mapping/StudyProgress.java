package io.transferlab.gateway.mapping;

import java.time.Instant;

/**
 * One Server-Sent Event of a study: its state, how many of its results are complete, and the latest news.
 *
 * @param message the most recently changed run's message (an epoch, a checkpoint, an evaluation)
 */
public record StudyProgress(String studyId, String state, int resultsComplete, int resultsTotal, String message,
                            Instant updatedAt) {

    public boolean finished() {
        return "COMPLETE".equals(state) || "FAILED".equals(state);
    }
}
