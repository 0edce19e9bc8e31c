package io.transferlab.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.transferlab.core.storage.Checksums;
import io.transferlab.core.storage.StorageRoot;
import io.transferlab.gateway.mapping.ClassScoresView;
import io.transferlab.gateway.repository.RunResult;
import io.transferlab.gateway.repository.StudyRun;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The evaluator's report files (class names, per-class figures, confusion matrix), read through the reference an
 * EvaluationCompleted event carried and verified against its SHA-256: the gateway never reads the evaluator's
 * tables, only what the evaluator published.
 */
@ApplicationScoped
public class EvaluationReports {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    StorageRoot storage;

    /** The verified report of one evaluated result. */
    public JsonNode report(RunResult result) {
        if (result.evaluationRef == null || result.evaluationSha256 == null) {
            throw new IllegalStateException("strategy " + result.key.strategy() + " of run " + result.key.runId()
                    + " has no evaluation report yet (state " + result.state + ")");
        }
        byte[] bytes = Checksums.readVerified(storage.resolve(result.evaluationRef), result.evaluationSha256);
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(result.evaluationRef + " is not an evaluation report", e);
        }
    }

    /** Per-class F1 of one strategy at each size, averaged over the seeds evaluated so far. */
    public List<ClassScoresView> classScores(List<StudyRun> runs, List<RunResult> results, String strategy,
                                             List<String> sizeOrder) {
        Map<String, StudyRun> byRun = runs.stream().collect(Collectors.toMap(r -> r.runId, Function.identity()));
        List<ClassScoresView.Evaluated> evaluated = new ArrayList<>();
        for (RunResult result : results) {
            StudyRun run = byRun.get(result.key.runId());
            if (run != null && result.key.strategy().equals(strategy) && result.state == RunResult.State.COMPLETE
                    && result.evaluationRef != null && result.evaluationSha256 != null) {
                evaluated.add(new ClassScoresView.Evaluated(run.splitName, report(result)));
            }
        }
        return ClassScoresView.of(strategy, evaluated, sizeOrder);
    }
}
