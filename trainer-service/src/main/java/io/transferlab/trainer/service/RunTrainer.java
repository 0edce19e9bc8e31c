package io.transferlab.trainer.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.transferlab.core.split.SplitManifest;
import io.transferlab.core.split.SplitManifestStore;
import io.transferlab.core.storage.Checksums;
import io.transferlab.core.storage.StorageRoot;
import io.transferlab.core.study.Backbone;
import io.transferlab.core.study.Strategy;
import io.transferlab.ml.checkpoint.Checkpoint;
import io.transferlab.ml.engine.AugmentationPlan;
import io.transferlab.ml.engine.ImageRef;
import io.transferlab.ml.engine.RunOutcome;
import io.transferlab.ml.engine.RunParts;
import io.transferlab.ml.engine.TransferEngine;
import io.transferlab.ml.train.EpochListener;
import io.transferlab.ml.train.EpochStats;
import io.transferlab.ml.train.TrainingSettings;
import io.transferlab.trainer.config.TrainerConfig;
import io.transferlab.trainer.engine.EngineProvider;
import io.transferlab.trainer.repository.TrainingJob;
import io.transferlab.trainer.repository.TrainingSet;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Trains one job with the engine: outside any transaction, reporting each epoch through the queue. */
@ApplicationScoped
public class RunTrainer {

    private static final Logger LOG = Logger.getLogger(RunTrainer.class);

    @Inject
    EngineProvider engines;

    @Inject
    TrainerConfig config;

    @Inject
    StorageRoot storage;

    @Inject
    TrainingQueue queue;

    /** The last manifest's hashed images: the strategies of one training set run one after another. */
    private String imagesOfRun;
    private Parts images;

    /** Thrown from the epoch listener when the trainer is stopping; the job stays RUNNING and resumes later. */
    public static final class Stopped extends RuntimeException {
        Stopped() {
            super("the trainer is stopping", null, false, false);
        }
    }

    /** A training set's manifest classes and its three parts, hashed. */
    private record Parts(List<String> classes, List<ImageRef> train, List<ImageRef> val, List<ImageRef> test) {
    }

    public TrainingQueue.TrainedRun train(TrainingJob job, TrainingSet set, BooleanSupplier stopping) {
        Strategy strategy = Strategy.of(job.strategy);
        // a training set for a backbone this engine cannot build fails its run, naming why, rather than training another
        Backbone.of(set.backbone == null ? Backbone.RESNET50.id() : set.backbone).requireSupported();
        TransferEngine engine = engines.engine();
        Parts parts = images(set);
        String folder = checkpointFolder(set);
        Path progress = storage.resolve(folder + "/" + strategy.id() + ".progress");
        AugmentationPlan augmentation = strategy.augmented()
                ? AugmentationPlan.named(config.augmentationMode(), config.augmentationViews()) : AugmentationPlan.NONE;
        EpochListener listener = new EpochListener() {
            @Override
            public void onEpoch(EpochStats stats, int max) {
                queue.epochFinished(job.id, stats, max);
                stopIfAsked();
            }

            @Override
            public void onTrialEpoch(String trial, EpochStats stats, int max) {
                queue.trialEpochFinished(job.id, trial, stats, max);
                stopIfAsked();
            }

            private void stopIfAsked() {
                if (stopping.getAsBoolean()) {
                    throw new Stopped();
                }
            }
        };
        int maxEpochs = strategy.fineTuning() ? config.fineTuningEpochs(set.splitName) : config.featureExtractionEpochs();
        if (java.nio.file.Files.isDirectory(progress)) {
            LOG.infof("%s of run %s resumed from its epoch checkpoint (epoch %d reported before the restart)",
                    strategy.id(), set.runId, job.epoch);
        } else {
            LOG.infof("training %s of run %s (%s, %d/%d/%d images, at most %d epochs)", strategy.id(), set.runId,
                    set.splitName, parts.train().size(), parts.val().size(), parts.test().size(), maxEpochs);
        }
        RunOutcome outcome = engine.train(strategy, new RunParts(parts.train(), parts.val(), set.classCount),
                TrainingSettings.of(strategy, set.seed).withMaxEpochs(maxEpochs), augmentation,
                strategy.fineTuning() ? featureExtractionHead(set, strategy) : null, listener, progress);
        Path json = Checkpoint.write(storage.resolve(folder), strategy.id(), new Checkpoint(Checkpoint.FORMAT_VERSION,
                strategy.id(), Backbone.RESNET50.id(), engine.weightsSha256(), engine.imageSize(), parts.classes(),
                outcome.augmentationMode(), outcome.history(), null, null), outcome.tailWeights());
        return new TrainingQueue.TrainedRun(storage.referenceOf(json), Checksums.sha256(json),
                outcome.history().epochs().size(), outcome.history().bestEpoch(), outcome.trainSeconds(),
                outcome.augmentationMode(), engines.device());
    }

    /** Fine-tuning starts from the head its feature-extraction run of the same training set trained. */
    private byte[] featureExtractionHead(TrainingSet set, Strategy fineTuning) {
        Strategy base = fineTuning.base();
        TrainingJob baseJob = QuarkusTransaction.requiringNew().call(() -> TrainingJob.of(set.runId, base.id()))
                .filter(j -> j.state == TrainingJob.State.DONE)
                .orElseThrow(() -> new IllegalStateException(fineTuning.id() + " needs the trained head of " + base.id()
                        + " on the same training set, which has not finished"));
        Checkpoint.Loaded loaded = Checkpoint.read(storage.resolve(baseJob.checkpointRef));
        return loaded.params();
    }

    private synchronized Parts images(TrainingSet set) {
        if (!set.runId.equals(imagesOfRun)) {
            SplitManifestStore manifests = new SplitManifestStore(storage);
            SplitManifest manifest = manifests.load(set.manifestRef, set.manifestSha256);
            Path dataset = manifests.datasetFolder(manifest);
            images = new Parts(manifest.classes(), ImageRef.of(dataset, manifest.train()), ImageRef.of(dataset, manifest.val()),
                    ImageRef.of(dataset, manifest.test()));
            imagesOfRun = set.runId;
        }
        return images;
    }

    static String checkpointFolder(TrainingSet set) {
        return "checkpoints/" + set.studyId + "/" + set.runId;
    }
}
