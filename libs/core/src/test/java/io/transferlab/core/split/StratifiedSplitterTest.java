package io.transferlab.core.split;

import io.transferlab.core.dataset.LabeledImage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StratifiedSplitterTest {

    private static final List<String> CLASSES = List.of("daisy", "rose", "tulip");
    private static final int[] COUNTS = {40, 77, 258};

    private static List<LabeledImage> images() {
        List<LabeledImage> images = new ArrayList<>();
        for (int c = 0; c < COUNTS.length; c++) {
            for (int i = 0; i < COUNTS[c]; i++) {
                images.add(new LabeledImage(CLASSES.get(c) + "/img" + i + ".jpg", c));
            }
        }
        return images;
    }

    @Test
    void everyPartHoldsEachClassInProportionToWithinOneImage() {
        for (String sizeName : StudyPreset.SEED_2020.sizeNames()) {
            TrainingSize size = StudyPreset.SEED_2020.size(sizeName);
            DatasetSplit split = StratifiedSplitter.split(images(), CLASSES, size, 7);
            for (int c = 0; c < COUNTS.length; c++) {
                int label = c;
                long train = split.train().stream().filter(i -> i.label() == label).count();
                long test = split.test().stream().filter(i -> i.label() == label).count();
                long val = split.val().stream().filter(i -> i.label() == label).count();
                assertThat(Math.abs(train - COUNTS[c] * size.trainFraction())).as("train %s %s", sizeName, c).isLessThanOrEqualTo(1.0);
                assertThat(Math.abs(test - COUNTS[c] * size.testFraction())).as("test %s %s", sizeName, c).isLessThanOrEqualTo(1.0);
                assertThat(Math.abs(val - COUNTS[c] * size.valFraction())).as("val %s %s", sizeName, c).isLessThanOrEqualTo(1.0);
                assertThat(train).isPositive();
                assertThat(test).isPositive();
                assertThat(val).isPositive();
            }
        }
    }

    @Test
    void partsAreDisjointAndCoverTheDataset() {
        DatasetSplit split = StratifiedSplitter.split(images(), CLASSES, StudyPreset.SEED_2020.size("medium"), 3);
        Set<LabeledImage> all = new HashSet<>();
        all.addAll(split.train());
        all.addAll(split.val());
        all.addAll(split.test());
        assertThat(all).hasSize(split.train().size() + split.val().size() + split.test().size());
        assertThat(all).containsExactlyInAnyOrderElementsOf(images());
    }

    @Test
    void theSameSeedGivesTheSameSplitAndAnotherSeedAnotherOne() {
        TrainingSize small = StudyPreset.SEED_2020.size("small");
        List<LabeledImage> shuffledInput = new ArrayList<>(images());
        java.util.Collections.reverse(shuffledInput);
        DatasetSplit a = StratifiedSplitter.split(images(), CLASSES, small, 42);
        DatasetSplit b = StratifiedSplitter.split(shuffledInput, CLASSES, small, 42);
        DatasetSplit c = StratifiedSplitter.split(images(), CLASSES, small, 43);
        assertThat(b).isEqualTo(a);
        assertThat(c.train()).isNotEqualTo(a.train());
    }

    @Test
    void aClassWithTooFewImagesIsNamedInTheError() {
        List<LabeledImage> images = new ArrayList<>(images());
        images.add(new LabeledImage("lonely/only.jpg", 3));
        images.add(new LabeledImage("lonely/second.jpg", 3));
        List<String> classes = List.of("daisy", "rose", "tulip", "lonely");
        TrainingSize small = StudyPreset.SEED_2020.size("small");
        assertThatThrownBy(() -> StratifiedSplitter.split(images, classes, small, 1))
                .isInstanceOf(InsufficientImagesException.class)
                .hasMessageContaining("'lonely' has 2 image(s)")
                .hasMessageContaining("at least " + StratifiedSplitter.minimumImages(small));
    }

    @Test
    void presetsNameTheirSizes() {
        assertThat(StudyPreset.named("seed-2020").sizeNames()).containsExactly("large", "medium", "small");
        assertThatThrownBy(() -> StudyPreset.named("nope")).hasMessageContaining("unknown preset 'nope'");
        assertThatThrownBy(() -> StudyPreset.SEED_2020.size("huge")).hasMessageContaining("no size 'huge'");
    }
}
