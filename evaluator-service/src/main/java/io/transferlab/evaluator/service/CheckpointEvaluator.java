package io.transferlab.evaluator.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.transferlab.core.metrics.ClassificationMetrics;
import io.transferlab.core.split.SplitManifest;
import io.transferlab.core.split.SplitManifestStore;
import io.transferlab.core.storage.StorageRoot;
import io.transferlab.core.study.Strategy;
import io.transferlab.evaluator.config.EvaluatorConfig;
import io.transferlab.evaluator.engine.EngineProvider;
import io.transferlab.evaluator.repository.Evaluation;
import io.transferlab.ml.checkpoint.Checkpoint;
import io.transferlab.ml.engine.ImageRef;
import io.transferlab.ml.engine.TransferEngine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Loads a checkpoint and scores it on its manifest's test part; writes the full report under the storage root. */
@ApplicationScoped
public class CheckpointEvaluator {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Inject
    EngineProvider engines;

    @Inject
    StorageRoot storage;

    @Inject
    EvaluatorConfig config;

    /** The metrics, the same as JSON for the database, and where the report file lies. */
    public record Scored(ClassificationMetrics metrics, String perClassJson, String confusionJson, String reportRef,
                         String reportSha256) {
    }

    public Scored score(Evaluation evaluation) {
        Checkpoint.Loaded checkpoint = Checkpoint.read(storage.resolve(evaluation.checkpointRef));
        SplitManifestStore manifests = new SplitManifestStore(storage);
        SplitManifest manifest = manifests.load(evaluation.manifestRef, evaluation.manifestSha256);
        if (!checkpoint.metadata().classes().equals(manifest.classes())) {
            throw new IllegalArgumentException("checkpoint " + evaluation.checkpointRef
                    + " was trained on other classes than its manifest's");
        }
        TransferEngine engine = engines.engine(checkpoint.metadata().imageSize());
        if (!engine.weightsSha256().equals(checkpoint.metadata().weightsSha256())) {
            throw new IllegalArgumentException("checkpoint " + evaluation.checkpointRef + " was trained on backbone weights "
                    + checkpoint.metadata().weightsSha256() + ", this evaluator has " + engine.weightsSha256());
        }
        List<ImageRef> test = ImageRef.of(manifests.datasetFolder(manifest), manifest.test());
        ClassificationMetrics metrics = engine.evaluate(Strategy.of(evaluation.strategy),
                checkpoint.params(), test, manifest.classes().size());
        String reportRef = config.evaluations() + "/" + evaluation.studyId + "/" + evaluation.runId + "/"
                + evaluation.strategy + ".json";
        try {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("studyId", evaluation.studyId);
            report.put("runId", evaluation.runId);
            report.put("strategy", evaluation.strategy);
            report.put("checkpointRef", evaluation.checkpointRef);
            report.put("classes", manifest.classes());
            report.put("undecodableTestImages", test.size() - metrics.samples());
            report.put("metrics", metrics);
            byte[] bytes = JSON.writeValueAsBytes(report);
            storage.writeAtomically(reportRef, bytes);
            return new Scored(metrics, JSON.writeValueAsString(metrics.perClass()),
                    JSON.writeValueAsString(metrics.confusion()), reportRef,
                    io.transferlab.core.storage.Checksums.sha256(bytes));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
