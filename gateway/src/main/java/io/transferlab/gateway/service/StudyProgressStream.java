package io.transferlab.gateway.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.transferlab.gateway.mapping.StudyProgress;
import io.transferlab.gateway.repository.RunResult;
import io.transferlab.gateway.repository.Study;
import io.transferlab.gateway.repository.StudyRun;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Live progress for Server-Sent Events. The database is the truth (the events may reach any gateway replica), so
 * the stream reads the study each second, emits when it changed, and completes once the study has finished.
 */
@ApplicationScoped
public class StudyProgressStream {

    private static final Duration PERIOD = Duration.ofSeconds(1);

    public Multi<StudyProgress> follow(String studyId) {
        AtomicBoolean finishedSent = new AtomicBoolean();
        return Multi.createFrom().ticks().every(PERIOD)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(tick -> QuarkusTransaction.requiringNew().call(() -> snapshot(studyId)))
                // the finished state is sent once, then the stream completes
                .select().first(p -> !finishedSent.get())
                .invoke(p -> finishedSent.set(p.finished()))
                .skip().repetitions();
    }

    private static StudyProgress snapshot(String studyId) {
        Study study = Study.findById(studyId);
        List<RunResult> results = RunResult.ofStudy(studyId);
        List<StudyRun> runs = StudyRun.ofStudy(studyId);
        String message = study.failureReason;
        Instant latest = study.updatedAt;
        RunResult newestResult = results.stream().max(Comparator.comparing(r -> r.updatedAt)).orElse(null);
        StudyRun newestRun = runs.stream().max(Comparator.comparing(r -> r.updatedAt)).orElse(null);
        if (message == null && newestResult != null) {
            message = describe(runs, newestResult);
            latest = newestResult.updatedAt.isAfter(latest) ? newestResult.updatedAt : latest;
        } else if (message == null && newestRun != null) {
            message = newestRun.splitName + ": " + newestRun.state + (newestRun.message == null ? "" : " (" + newestRun.message + ")");
        }
        int total = runs.size() * StudyService.plannedStrategies(study).size();
        int complete = (int) results.stream().filter(r -> r.state == RunResult.State.COMPLETE).count();
        return new StudyProgress(studyId, study.state.name(), complete, total, message, latest);
    }

    private static String describe(List<StudyRun> runs, RunResult result) {
        String size = runs.stream().filter(r -> r.runId.equals(result.key.runId())).map(r -> r.splitName + " seed " + r.seed)
                .findFirst().orElse(result.key.runId());
        String what = switch (result.state) {
            case QUEUED -> "queued";
            case TRAINING -> String.format(java.util.Locale.ROOT, "epoch %d/%d, val loss %.3f, val acc %.3f",
                    result.epoch, result.maxEpochs, result.valLoss, result.valAccuracy);
            case EVALUATING -> "trained (" + result.epochs + " epochs), evaluating";
            case COMPLETE -> String.format(java.util.Locale.ROOT, "micro-F1 %.4f", result.microF1);
            case FAILED -> "failed: " + result.message;
        };
        return size + " " + result.key.strategy() + ": " + what;
    }
}
