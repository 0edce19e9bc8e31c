package io.transferlab.ml.engine;

import io.transferlab.core.dataset.DatasetIndex;
import io.transferlab.core.dataset.DatasetScanner;
import io.transferlab.core.dataset.SharedData;
import io.transferlab.core.split.DatasetSplit;
import io.transferlab.core.split.StratifiedSplitter;
import io.transferlab.core.split.StudyPreset;
import io.transferlab.core.study.Strategy;
import io.transferlab.ml.backbone.KerasResNet50;
import io.transferlab.ml.train.EpochListener;
import io.transferlab.ml.train.EpochStats;
import io.transferlab.ml.train.HeadTrainer;
import io.transferlab.ml.train.TrainingSettings;
import io.transferlab.ml.weights.ImageNetWeights;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Feature extraction then fine-tuning on 5 Flowers-102 classes, with the real weights. */
class TransferEngineTest {

    @TempDir
    Path cache;

    @Test
    void trainsBothStrategiesFromOneBackbonePassAndNeverTouchesTheFrozenNetwork() throws Exception {
        Path flowers = SharedData.path("datasets/flowers102");
        Assumptions.assumeTrue(flowers != null, "../shared is not present");
        DatasetIndex index = DatasetScanner.scan(flowers).firstClasses(5);
        DatasetSplit split = StratifiedSplitter.split(index.images(), index.classes(), StudyPreset.SEED_2020.size("small"), 1);
        List<ImageRef> train = ImageRef.of(flowers, split.train());
        List<ImageRef> val = ImageRef.of(flowers, split.val());
        List<ImageRef> test = ImageRef.of(flowers, split.test());

        try (TransferEngine engine = new TransferEngine(ImageNetWeights.resnet50(ImageNetWeights.cacheDir()), cache, 2, 16)) {
            byte[] frozenBefore = HeadTrainer.snapshot(engine.backbone());
            List<Integer> progress = new ArrayList<>();
            engine.ensureFeatures(concat(train, val, test), List.of(Strategy.FE), (done, total) -> progress.add(done));
            assertThat(progress).isNotEmpty().last().isEqualTo(train.size() + val.size() + test.size());
            assertThat(Files.list(cache)).as("feature extraction alone stores only the pooled features").hasSize(1);
            List<Integer> again = new ArrayList<>();
            engine.ensureFeatures(concat(train, val, test), List.of(Strategy.FE), (done, total) -> again.add(done));
            assertThat(again).as("a second pass finds everything cached").isEmpty();

            List<EpochStats> epochs = new ArrayList<>();
            RunParts parts = new RunParts(train, val, 5);
            RunOutcome fe = engine.train(Strategy.FE, parts, TrainingSettings.featureExtraction(1), AugmentationPlan.NONE,
                    null, (stats, max) -> epochs.add(stats), null);
            assertThat(epochs).hasSize(fe.history().epochs().size());
            assertThat(engine.evaluate(Strategy.FE, fe.tailWeights(), test, 5).microF1()).as("fe micro-F1 on 5 classes")
                    .isGreaterThan(0.6);
            assertThat(fe.history().bestEpoch()).isBetween(1, 30);
            assertThat(fe.history().keptWeights()).isEqualTo("best-validation-loss");
            assertThat(Files.list(cache)).as("still no res5c inputs").hasSize(1);

            RunOutcome ft = engine.train(Strategy.FT, parts, TrainingSettings.fineTuning(1).withMaxEpochs(3),
                    AugmentationPlan.NONE, fe.tailWeights(), EpochListener.NONE, null);
            assertThat(engine.evaluate(Strategy.FT, ft.tailWeights(), test, 5).microF1()).as("ft micro-F1 on 5 classes")
                    .isGreaterThan(0.6);
            assertThat(ft.history().epochs()).hasSizeLessThanOrEqualTo(3);
            assertThatThrownBy(() -> engine.train(Strategy.FT, parts, TrainingSettings.fineTuning(1), AugmentationPlan.NONE,
                    null, EpochListener.NONE, null)).hasMessageContaining("starts from the trained head of fe");
            assertThatThrownBy(() -> engine.train(Strategy.FE, parts, TrainingSettings.featureExtraction(1),
                    AugmentationPlan.views(2), null, EpochListener.NONE, null)).hasMessageContaining("fe is not augmented");

            // frozen weights and BatchNorm statistics of the backbone are untouched by both runs
            assertThat(HeadTrainer.snapshot(engine.backbone())).isEqualTo(frozenBefore);
            assertThat(HeadTrainer.snapshot(engine.backbone().unit(KerasResNet50.LAST_UNIT)))
                    .as("fine-tuning trained a copy of res5c").isNotEqualTo(ft.tailWeights());
            assertThat(Files.list(cache)).hasSize(2);
        }
    }

    @Test
    void theProbeAndTheDeeperFineTuningWithItsLearningRateChosenOnValidation() throws Exception {
        Path flowers = SharedData.path("datasets/flowers102");
        Assumptions.assumeTrue(flowers != null, "../shared is not present");
        DatasetIndex index = DatasetScanner.scan(flowers).firstClasses(3);
        DatasetSplit split = StratifiedSplitter.split(index, StudyPreset.SEED_2020.size("small"), 3);
        List<ImageRef> train = ImageRef.of(flowers, split.train());
        List<ImageRef> val = ImageRef.of(flowers, split.val());
        List<ImageRef> test = ImageRef.of(flowers, split.test());
        try (TransferEngine engine = new TransferEngine(ImageNetWeights.resnet50(ImageNetWeights.cacheDir()), cache, 2, 16)) {
            byte[] frozenBefore = HeadTrainer.snapshot(engine.backbone());
            RunParts parts = new RunParts(train, val, 3);
            List<EpochStats> strengths = new ArrayList<>();
            RunOutcome lp = engine.train(Strategy.LP, parts, TrainingSettings.featureExtraction(3), AugmentationPlan.NONE,
                    null, (stats, max) -> strengths.add(stats), null);
            assertThat(strengths).hasSize(12);
            assertThat(lp.history().keptWeights()).startsWith("l2=");
            assertThat(engine.evaluate(Strategy.LP, lp.tailWeights(), test, 3).microF1()).as("lp micro-F1 on 3 classes")
                    .isGreaterThan(0.6);
            assertThat(Files.list(cache)).as("the probe needs only the pooled features").hasSize(1);

            // ft5 starts from feature extraction's head (the probe's fits the training images: no gradient left)
            RunOutcome fe = engine.train(Strategy.FE, parts, TrainingSettings.featureExtraction(3), AugmentationPlan.NONE,
                    null, EpochListener.NONE, null);
            List<EpochStats> epochs = new ArrayList<>();
            List<String> trials = new ArrayList<>();
            RunOutcome ft5 = engine.train(Strategy.FT5, parts, TrainingSettings.fineTuning(3).withMaxEpochs(2),
                    AugmentationPlan.NONE, fe.tailWeights(), new EpochListener() {
                        @Override
                        public void onEpoch(EpochStats stats, int max) {
                            epochs.add(stats);
                        }

                        @Override
                        public void onTrialEpoch(String trial, EpochStats stats, int max) {
                            trials.add(trial + "/" + stats.epoch());
                        }
                    }, null);
            // the run's epochs are the chosen run's only; the trials' are told apart
            assertThat(epochs).hasSize(ft5.history().epochs().size()).hasSizeLessThanOrEqualTo(2);
            assertThat(trials).containsExactly("lr 1e-05/1", "lr 1e-05/2", "lr 3e-05/1", "lr 3e-05/2", "lr 1e-04/1",
                    "lr 1e-04/2");
            assertThat(ft5.history().keptWeights()).contains("chosen on validation loss after 2-epoch trials")
                    .containsPattern("lr=[0-9]e-0[45]");
            assertThat(engine.evaluate(Strategy.FT5, ft5.tailWeights(), test, 3).microF1()).as("ft5 micro-F1 on 3 classes")
                    .isGreaterThan(0.6);
            assertThat(Files.list(cache)).as("stage 5's inputs cached beside the pooled features").hasSize(2);
            assertThatThrownBy(() -> engine.train(Strategy.FT5, parts, TrainingSettings.fineTuning(3),
                    AugmentationPlan.online(), fe.tailWeights(), EpochListener.NONE, null))
                    .hasMessageContaining("ft5 is not augmented");
            assertThat(HeadTrainer.snapshot(engine.backbone())).isEqualTo(frozenBefore);
        }
    }

    @Test
    void augmentedRunsRecordTheirModeAndLeaveTheBackboneAlone() throws Exception {
        Path flowers = SharedData.path("datasets/flowers102");
        Assumptions.assumeTrue(flowers != null, "../shared is not present");
        DatasetIndex index = DatasetScanner.scan(flowers).firstClasses(3);
        DatasetSplit split = StratifiedSplitter.split(index, StudyPreset.SEED_2020.size("small"), 2);
        List<ImageRef> train = ImageRef.of(flowers, split.train());
        List<ImageRef> val = ImageRef.of(flowers, split.val());
        List<ImageRef> test = ImageRef.of(flowers, split.test());
        try (TransferEngine engine = new TransferEngine(ImageNetWeights.resnet50(ImageNetWeights.cacheDir()), cache, 2, 16)) {
            byte[] frozenBefore = HeadTrainer.snapshot(engine.backbone());
            RunParts parts = new RunParts(train, val, 3);
            RunOutcome views = engine.train(Strategy.FE_AUG, parts, TrainingSettings.featureExtraction(2).withMaxEpochs(4),
                    AugmentationPlan.views(2), null, EpochListener.NONE, null);
            assertThat(views.strategy()).isEqualTo("fe-aug");
            assertThat(views.augmentationMode()).isEqualTo("views");
            assertThat(views.history().epochs()).hasSize(4);
            // identity view + 2 augmented views, each with only its pooled cache (no fine-tuning yet)
            assertThat(Files.list(cache)).hasSize(3);
            RunOutcome online = engine.train(Strategy.FT_AUG, parts, TrainingSettings.fineTuning(2).withMaxEpochs(1),
                    AugmentationPlan.online(), views.tailWeights(), EpochListener.NONE, null);
            assertThat(online.strategy()).isEqualTo("ft-aug");
            assertThat(online.augmentationMode()).isEqualTo("online");
            assertThat(engine.evaluate(Strategy.FT, online.tailWeights(), test, 3).samples()).isEqualTo(test.size());

            // the deeper fine-tuning on the same views: each view's stage-4 activations are cached too
            List<String> trials = new ArrayList<>();
            long cachesBefore;
            try (Stream<Path> caches = Files.list(cache)) {
                cachesBefore = caches.count();
            }
            RunOutcome ft5Views = engine.train(Strategy.FT5_AUG, parts, TrainingSettings.fineTuning(2).withMaxEpochs(1),
                    AugmentationPlan.views(2), views.tailWeights(), new EpochListener() {
                        @Override
                        public void onEpoch(EpochStats stats, int max) {
                        }

                        @Override
                        public void onTrialEpoch(String trial, EpochStats stats, int max) {
                            trials.add(trial);
                        }
                    }, null);
            assertThat(ft5Views.strategy()).isEqualTo("ft5-aug");
            assertThat(ft5Views.augmentationMode()).isEqualTo("views");
            assertThat(ft5Views.trainImages()).as("one view of each image per epoch").isEqualTo(train.size());
            assertThat(trials).containsExactly("lr 1e-05", "lr 3e-05", "lr 1e-04");
            assertThat(ft5Views.history().keptWeights()).contains("chosen on validation loss");
            assertThat(Files.list(cache)).as("stage-4 activations of the identity and of both views")
                    .hasSize((int) cachesBefore + 3);
            assertThat(engine.evaluate(Strategy.FT5_AUG, ft5Views.tailWeights(), test, 3).samples())
                    .isEqualTo(test.size());
            assertThatThrownBy(() -> engine.train(Strategy.FT5_AUG, parts, TrainingSettings.fineTuning(2),
                    AugmentationPlan.online(), views.tailWeights(), EpochListener.NONE, null))
                    .hasMessageContaining("online augmentation is not supported");
            assertThat(HeadTrainer.snapshot(engine.backbone())).isEqualTo(frozenBefore);
        }
    }

    @SafeVarargs
    private static List<ImageRef> concat(List<ImageRef>... parts) {
        List<ImageRef> all = new ArrayList<>();
        for (List<ImageRef> p : parts) {
            all.addAll(p);
        }
        return all;
    }
}
