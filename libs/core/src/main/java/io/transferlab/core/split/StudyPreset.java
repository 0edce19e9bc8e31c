package io.transferlab.core.split;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Named sets of training sizes that studies refer to. */
public final class StudyPreset {

    /**
     * The seed study's Large / Medium / Small, inferred from its text: train ≈ 75% / 37.5% / 10% of the images,
     * test 5% / 25% / 50%, validation the rest, all stratified by class.
     */
    public static final StudyPreset SEED_2020 = new StudyPreset("seed-2020", List.of(
            TrainingSize.fractions("large", 0.75, 0.05),
            TrainingSize.fractions("medium", 0.375, 0.25),
            TrainingSize.fractions("small", 0.10, 0.50)));

    /** Oxford-102's own split from setid.mat: 10 train and 10 validation images per class, the rest test. */
    public static final StudyPreset OFFICIAL = new StudyPreset("official", List.of(TrainingSize.official()));

    /**
     * k training images per class for k in {1, 2, 4, 8, 16, 32}, and all the rest ("all": where the curve ends,
     * which tells a fit where its plateau is); 10% of each class is held out for test and 5% for validation (at
     * least one each), the same for every k of a seed, so the curve compares like with like.
     */
    public static final StudyPreset LEARNING_CURVE = new StudyPreset("learning-curve", List.of(
            TrainingSize.perClass("k1", 1, 0.10, 0.05),
            TrainingSize.perClass("k2", 2, 0.10, 0.05),
            TrainingSize.perClass("k4", 4, 0.10, 0.05),
            TrainingSize.perClass("k8", 8, 0.10, 0.05),
            TrainingSize.perClass("k16", 16, 0.10, 0.05),
            TrainingSize.perClass("k32", 32, 0.10, 0.05),
            TrainingSize.allPerClass("all", 0.10, 0.05)));

    private static final Map<String, StudyPreset> PRESETS = Map.of(
            SEED_2020.name, SEED_2020, OFFICIAL.name, OFFICIAL, LEARNING_CURVE.name, LEARNING_CURVE);

    private final String name;
    private final Map<String, TrainingSize> sizes = new LinkedHashMap<>();

    private StudyPreset(String name, List<TrainingSize> sizes) {
        this.name = name;
        sizes.forEach(size -> this.sizes.put(size.name(), size));
    }

    public static StudyPreset named(String name) {
        StudyPreset preset = PRESETS.get(name);
        if (preset == null) {
            throw new IllegalArgumentException("unknown preset '" + name + "' (known: "
                    + List.of(SEED_2020.name, OFFICIAL.name, LEARNING_CURVE.name) + ")");
        }
        return preset;
    }

    public String name() {
        return name;
    }

    public List<String> sizeNames() {
        return List.copyOf(sizes.keySet());
    }

    /**
     * How many seeds a study of this preset runs by default: three for learning curves (their answer is a fit
     * through the seeds' means, weighted by their spread), one for the fixed-size presets.
     */
    public int defaultSeeds() {
        return this == LEARNING_CURVE ? 3 : 1;
    }

    public TrainingSize size(String sizeName) {
        TrainingSize size = sizes.get(sizeName);
        if (size == null) {
            throw new IllegalArgumentException("preset '" + name + "' has no size '" + sizeName + "' (it has "
                    + sizes.keySet() + ")");
        }
        return size;
    }
}
