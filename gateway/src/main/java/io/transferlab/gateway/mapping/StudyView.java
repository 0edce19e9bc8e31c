package io.transferlab.gateway.mapping;

import io.transferlab.gateway.repository.Study;
import io.transferlab.gateway.repository.StudyRun;

import java.time.Instant;
import java.util.List;

/** A study and its runs as the API shows them. */
public record StudyView(String id, String state, String failureReason, String datasetPath, String preset,
                        List<String> sizes, List<String> strategies, List<Long> seeds, String backbone,
                        Integer classLimit, int expectedRuns, Instant createdAt, Instant updatedAt, List<RunView> runs,
                        List<ResultRow> results, String rerunOf, boolean rerunOnChange, String triggerReason,
                        List<String> datasetVersions, List<Double> targetF1,
                        List<LearningCurveView> learningCurves, Instant stalledSince, String stallReason) {

    public record RunView(String runId, String splitName, Long seed, String state, String message, Integer trainSize,
                          Integer valSize, Integer testSize, Integer classCount, String datasetVersion,
                          String manifestRef, Instant updatedAt) {

        static RunView of(StudyRun run) {
            return new RunView(run.runId, run.splitName, run.seed, run.state.name(), run.message, run.trainSize,
                    run.valSize, run.testSize, run.classCount, run.datasetVersion, run.manifestRef, run.updatedAt);
        }
    }

    public static StudyView of(Study study, List<StudyRun> runs) {
        return of(study, runs, List.of());
    }

    /**
     * With the results table (one row per strategy and training set) and the learning curves fitted through it
     * (strategies measured at three sizes or more).
     */
    public static StudyView of(Study study, List<StudyRun> runs, List<ResultRow> results) {
        int classes = runs.stream().map(r -> r.classCount).filter(java.util.Objects::nonNull)
                .mapToInt(Integer::intValue).max().orElse(0);
        long seed = study.seedList().isEmpty() ? 0 : study.seedList().get(0);
        return new StudyView(study.id, study.state.name(), study.failureReason, study.datasetPath, study.preset,
                study.sizeList(), study.strategyList(), study.seedList(),
                study.backbone, study.classLimit, study.expectedRuns, study.createdAt, study.updatedAt,
                runs.stream().map(RunView::of).toList(), results, study.rerunOf, study.rerunOnChange,
                study.triggerReason, runs.stream().map(r -> r.datasetVersion).filter(java.util.Objects::nonNull)
                        .distinct().toList(), study.targetF1List(),
                LearningCurveView.of(results, classes, study.targetF1List(), seed), study.stalledSince,
                study.stallReason);
    }

}
