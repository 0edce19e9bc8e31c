package io.transferlab.ml.checkpoint;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import io.transferlab.core.storage.ChecksumMismatchException;
import io.transferlab.ml.train.EpochStats;
import io.transferlab.ml.train.HeadTrainer;
import io.transferlab.ml.train.TrainingHistory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointTest {

    @TempDir
    Path dir;

    @Test
    void anotherProcessLoadsTheSameHeadAndTamperingIsDetected() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Linear head = Linear.builder().setUnits(3).build();
            head.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
            TrainingHistory history = new TrainingHistory(List.of(new EpochStats(1, 0.9, 0.5, 0.8, 0.6, 1.0)), 1, 0.8,
                    false, TrainingHistory.KEPT_BEST_VALIDATION_LOSS);
            Path json = Checkpoint.write(dir, "small-fe-seed42", new Checkpoint(Checkpoint.FORMAT_VERSION, "fe",
                    "resnet50", "a".repeat(64), 224, List.of("rose", "tulip", "daisy"), "none", history, null, null),
                    HeadTrainer.snapshot(head));

            Checkpoint.Loaded loaded = Checkpoint.read(json);
            assertThat(loaded.metadata().strategy()).isEqualTo("fe");
            assertThat(loaded.metadata().imageSize()).isEqualTo(224);
            assertThat(loaded.metadata().classes()).containsExactly("rose", "tulip", "daisy");
            assertThat(loaded.metadata().history()).isEqualTo(history);
            Linear other = Linear.builder().setUnits(3).build();
            other.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
            HeadTrainer.restore(other, loaded.params(), manager);
            ParameterStore ps = new ParameterStore(manager, false);
            var x = manager.randomNormal(new Shape(2, 4));
            assertThat(other.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray())
                    .containsExactly(head.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray());

            Files.write(dir.resolve(loaded.metadata().paramsFile()), new byte[]{1, 2, 3});
            assertThatThrownBy(() -> Checkpoint.read(json)).isInstanceOf(ChecksumMismatchException.class);
        }
    }
}
