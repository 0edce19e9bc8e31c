package io.transferlab.core.study;

import java.util.Arrays;
import java.util.List;

/**
 * The ways of reusing an ImageNet network: the seed's four, and the linear probe a practitioner tries next.
 */
public enum Strategy {
    /** Feature extraction: frozen base, global average pool, softmax dense head. */
    FE("fe", false, false, null,
            "feature extraction: frozen ResNet50, global average pool, a softmax dense head trained with Adam 1e-4"),
    /** Fine-tuning: starts from the trained FE head, last block unfrozen. */
    FT("ft", true, false, "fe",
            "fine-tuning: the last residual unit (res5c) and the head, from fe's trained head, Adam 1e-5"),
    FE_AUG("fe-aug", false, true, null, "fe on augmented views of the training images (the seed's augmentation)"),
    FT_AUG("ft-aug", true, true, "fe-aug", "ft on augmented views, starting from fe-aug's head"),
    /**
     * Linear probe: L2-regularised multinomial logistic regression on the standardised pooled features, solved to
     * convergence for each strength of a grid; the strength with the best validation accuracy is kept.
     */
    LP("lp", false, false, null,
            "linear probe: L2-regularised logistic regression on standardised pooled features (L-BFGS to"
                    + " convergence), the L2 strength chosen on the validation part"),
    /**
     * Deeper fine-tuning: all of stage 5 (res5a, res5b, res5c) and the head, from feature extraction's head (not the
     * probe's: that one already fits the training images, and stage 5 then gets no gradient — measured), trained on
     * cached stage-4 activations with the learning rate chosen on validation.
     */
    FT5("ft5", true, false, "fe",
            "deeper fine-tuning: all of stage 5 (res5a-c) and the head, from fe's head, on cached stage-4"
                    + " activations; Adam with the learning rate chosen on validation from short trials"),
    /**
     * ft5 on augmented views: the stage-4 activations of K augmented views of each training image are cached
     * like the identity's, and stage 5 trains on all of them, from fe-aug's head (views of the same kind).
     */
    FT5_AUG("ft5-aug", true, true, "fe-aug",
            "ft5 on augmented views of the training images (stage-4 activations of each view cached), from"
                    + " fe-aug's head; the learning rate chosen on validation from short trials");

    private final String id;
    private final boolean fineTuning;
    private final boolean augmented;
    private final String baseId;
    private final String description;

    Strategy(String id, boolean fineTuning, boolean augmented, String baseId, String description) {
        this.id = id;
        this.fineTuning = fineTuning;
        this.augmented = augmented;
        this.baseId = baseId;
        this.description = description;
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

    /** One sentence on what the strategy trains and how (the report and README show it). */
    public String description() {
        return description;
    }

    /** How many of the network's last residual units train with the head: 0 (a head only), 1 (res5c) or 3 (stage 5). */
    public int unfrozenUnits() {
        return this == FT5 || this == FT5_AUG ? 3 : fineTuning ? 1 : 0;
    }

    /** Whether the strategy picks its learning rate on the validation part (short trials) before training. */
    public boolean choosesLearningRate() {
        return unfrozenUnits() == 3;
    }

    /** Whether this strategy fits a linear probe (a convex solve) rather than running epochs of Adam. */
    public boolean linearProbe() {
        return this == LP;
    }

    /**
     * The order runs train in: each fine-tuning starts from the head its base run trained, so that run comes
     * first, and is added when only the fine-tuning was asked for.
     */
    public static List<Strategy> trainingPlan(List<Strategy> requested) {
        return Arrays.stream(values())
                .filter(s -> requested.contains(s) || requested.stream().anyMatch(r -> r.base() == s && r != s))
                .toList();
    }

    /** The run a fine-tuning starts from (itself for the others). */
    public Strategy base() {
        return baseId == null ? this : of(baseId);
    }
}
