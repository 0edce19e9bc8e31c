package io.transferlab.core.study;

import java.util.Arrays;
import java.util.List;

/** The seed's four ways of reusing an ImageNet network. */
public enum Strategy {
    /** Feature extraction: frozen base, global average pool, softmax dense head. */
    FE("fe", false, false),
    /** Fine-tuning: starts from the trained FE head, last block unfrozen. */
    FT("ft", true, false),
    FE_AUG("fe-aug", false, true),
    FT_AUG("ft-aug", true, true);

    private final String id;
    private final boolean fineTuning;
    private final boolean augmented;

    Strategy(String id, boolean fineTuning, boolean augmented) {
        this.id = id;
        this.fineTuning = fineTuning;
        this.augmented = augmented;
    }

    public String id() {
        return id;
    }

    public boolean fineTuning() {
        return fineTuning;
    }

    public boolean augmented() {
        return augmented;
    }

    public static Strategy of(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown strategy '" + id + "' (known: " + ids() + ")"));
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Strategy::id).toList();
    }

    /**
     * The order runs train in: each fine-tuning starts from the head its feature-extraction run trained, so that
     * run comes first, and is added when only the fine-tuning was asked for.
     */
    public static List<Strategy> trainingPlan(List<Strategy> requested) {
        return Arrays.stream(values())
                .filter(s -> requested.contains(s) || (!s.fineTuning && requested.contains(fineTuningOf(s))))
                .toList();
    }

    private static Strategy fineTuningOf(Strategy featureExtraction) {
        return featureExtraction.augmented ? FT_AUG : FT;
    }

    /** The feature-extraction run a fine-tuning starts from. */
    public Strategy base() {
        return fineTuning ? (augmented ? FE_AUG : FE) : this;
    }
}
