package io.transferlab.core.split;

import io.transferlab.core.dataset.DatasetIndex;
import io.transferlab.core.dataset.DatasetScanException;
import io.transferlab.core.dataset.DatasetScanner;
import io.transferlab.core.dataset.LabeledImage;
import io.transferlab.core.dataset.SharedData;
import io.transferlab.core.dataset.TestImages;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PresetsTest {

    @TempDir
    Path dir;

    @Test
    void learningCurveGivesKPerClassNestedOverKWithSharedTestAndValidation() {
        DatasetIndex index = DatasetScanner.scan(TestImages.imageFolder(dir, 3, 40));
        DatasetSplit previous = null;
        for (String k : StudyPreset.LEARNING_CURVE.sizeNames()) {
            TrainingSize size = StudyPreset.LEARNING_CURVE.size(k);
            DatasetSplit split = StratifiedSplitter.split(index, size, 5);
            // "all" is every image left after test (4) and validation (2): 34 of 40
            assertThat(split.train()).hasSize(3 * (size.perClass() == TrainingSize.ALL ? 34 : size.perClass()));
            assertThat(split.test()).hasSize(3 * 4);   // 10% of 40
            assertThat(split.val()).hasSize(3 * 2);    // 5% of 40
            if (previous != null) {
                assertThat(split.test()).isEqualTo(previous.test());
                assertThat(split.val()).isEqualTo(previous.val());
                assertThat(split.train()).containsAll(previous.train());
            }
            Set<LabeledImage> all = new HashSet<>(split.train());
            all.addAll(split.val());
            all.addAll(split.test());
            assertThat(all).hasSize(split.train().size() + split.val().size() + split.test().size());
            previous = split;
        }
    }

    @Test
    void learningCurveNamesAClassTooSmallForK() {
        DatasetIndex index = DatasetScanner.scan(TestImages.imageFolder(dir, 2, 20));
        assertThatThrownBy(() -> StratifiedSplitter.split(index, StudyPreset.LEARNING_CURVE.size("k32"), 1))
                .isInstanceOf(InsufficientImagesException.class).hasMessageContaining("'class0' has 20 image(s)")
                .hasMessageContaining("at least 38");
    }

    @Test
    void theOfficialSplitIsOxfordsSetid() {
        Path flowers = SharedData.path("datasets/flowers102");
        Assumptions.assumeTrue(flowers != null, "../shared is not present");
        DatasetIndex index = DatasetScanner.scan(flowers);
        DatasetSplit official = StratifiedSplitter.split(index, TrainingSize.official(), 0);
        assertThat(official.train()).hasSize(1020);
        assertThat(official.val()).hasSize(1020);
        assertThat(official.test()).hasSize(6149);
        DatasetSplit firstTen = StratifiedSplitter.split(index.firstClasses(10), StudyPreset.OFFICIAL.size("official"), 0);
        assertThat(firstTen.train()).hasSize(100).allMatch(i -> i.label() < 10);
        DatasetSplit k32 = StratifiedSplitter.split(index, StudyPreset.LEARNING_CURVE.size("k32"), 1);
        assertThat(k32.train()).hasSize(32 * 102);
        DatasetSplit all = StratifiedSplitter.split(index, StudyPreset.LEARNING_CURVE.size("all"), 1);
        assertThat(all.train().size() + all.val().size() + all.test().size()).isEqualTo(8189);
        assertThat(all.train()).containsAll(k32.train());
    }

    @Test
    void theOfficialSplitNeedsTheOxfordLayout() {
        DatasetIndex index = DatasetScanner.scan(TestImages.imageFolder(dir, 2, 10));
        assertThatThrownBy(() -> StratifiedSplitter.split(index, TrainingSize.official(), 0))
                .isInstanceOf(DatasetScanException.class).hasMessageContaining("needs the Oxford-102 layout");
        assertThat(StudyPreset.named("learning-curve").sizeNames()).containsExactly("k1", "k2", "k4", "k8", "k16", "k32", "all");
        assertThat(List.of(StudyPreset.named("official").size("official").kind())).containsExactly(TrainingSize.Kind.OFFICIAL);
    }
}
