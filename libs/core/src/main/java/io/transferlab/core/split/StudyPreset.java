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
            new TrainingSize("large", 0.75, 0.05),
            new TrainingSize("medium", 0.375, 0.25),
            new TrainingSize("small", 0.10, 0.50)));

    private static final Map<String, StudyPreset> PRESETS = Map.of(SEED_2020.name, SEED_2020);

    private final String name;
    private final Map<String, TrainingSize> sizes = new LinkedHashMap<>();

    private StudyPreset(String name, List<TrainingSize> sizes) {
        this.name = name;
        sizes.forEach(size -> this.sizes.put(size.name(), size));
    }

    public static StudyPreset named(String name) {
        StudyPreset preset = PRESETS.get(name);
        if (preset == null) {
            throw new IllegalArgumentException("unknown preset '" + name + "' (known: " + PRESETS.keySet() + ")");
        }
        return preset;
    }

    public String name() {
        return name;
    }

    public List<String> sizeNames() {
        return List.copyOf(sizes.keySet());
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
