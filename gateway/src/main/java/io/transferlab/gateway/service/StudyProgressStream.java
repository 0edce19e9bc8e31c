package io.transferlab.gateway.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.transferlab.gateway.mapping.StudyProgress;
import io.transferlab.gateway.repository.RunResult;
import io.transferlab.gateway.repository.Study;
import io.transferlab.gateway.repository.StudyRun;
import io.transferlab.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Live progress for Server-Sent Events. The database is the truth (the events may reach any gateway replica), so
 * the stream reads the study each second, emits when it changed, and completes once the study has finished — or
 * after {@link GatewayConfig#sseMaxDuration()}, so a stuck study holds no connection forever. One client may hold
 * {@link GatewayConfig#ssePerClient()} streams at once.
 */
@ApplicationScoped
public class StudyProgressStream {

    private static final Duration PERIOD = Duration.ofSeconds(1);

    @Inject
    GatewayConfig config;

    private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();

    /** A client asked for more streams than it may hold. */
    public static final class TooManyStreams extends RuntimeException {
        public TooManyStreams(String message) {
            super(message);
        }
    }

    /** The study's progress for one client; refused with {@link TooManyStreams} past the client's limit. */
    public Multi<StudyProgress> follow(String studyId, String client) {
        AtomicInteger streams = open.computeIfAbsent(client, c -> new AtomicInteger());
        if (streams.incrementAndGet() > config.ssePerClient()) {
            release(client, streams);
            throw new TooManyStreams(client + " already follows " + config.ssePerClient() + " studies live (the limit"
                    + " per client); close one first");
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable done = () -> {
            if (released.compareAndSet(false, true)) {
                release(client, streams);
            }
        };
        return follow(studyId).select().first(config.sseMaxDuration())
                .onTermination().invoke(done)
                .onCancellation().invoke(done);
    }

    private void release(String client, AtomicInteger streams) {
        if (streams.decrementAndGet() <= 0) {
            open.remove(client, streams);
        }
    }

    private Multi<StudyProgress> follow(String studyId) {
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
            case TRAINING -> result.epoch == null || result.valLoss == null
                    ? (result.message == null ? "training" : result.message)
                    : String.format(java.util.Locale.ROOT, "epoch %d/%d, val loss %.3f, val acc %.3f",
                    result.epoch, result.maxEpochs, result.valLoss, result.valAccuracy);
            case EVALUATING -> "trained (" + result.epochs + " epochs), evaluating";
            case COMPLETE -> String.format(java.util.Locale.ROOT, "micro-F1 %.4f", result.microF1);
            case FAILED -> "failed: " + result.message;
        };
        return size + " " + result.key.strategy() + ": " + what;
    }
}
