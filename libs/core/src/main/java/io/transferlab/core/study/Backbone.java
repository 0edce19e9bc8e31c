package io.transferlab.core.study;

import java.util.Arrays;
import java.util.List;

/** The ImageNet networks a study can start from. */
public enum Backbone {
    /** Keras ResNet50 (v1), 'caffe' preprocessing. */
    RESNET50("resnet50"),
    /** Keras ResNet50-V2 (pre-activation), 'tf' preprocessing: the seed's own backbone. Not trainable yet. */
    RESNET50_V2("resnet50v2", "the engine builds only Keras ResNet50 (v1) end to end; ResNet50-V2 still lacks"
            + " its 'tf' preprocessing in the image pipeline, fine-tuning of conv5_block3 + post_bn, caches and"
            + " checkpoints keyed by it, and a way to give its Keras .h5 weights (no npm package carries them)");

    private final String id;
    /** Why the engine cannot train it, or null when it can. */
    private final String missing;

    Backbone(String id) {
        this(id, null);
    }

    Backbone(String id, String missing) {
        this.id = id;
        this.missing = missing;
    }

    /** Whether studies can use it: every service trains and evaluates exactly this network. */
    public boolean supported() {
        return missing == null;
    }

    /**
     * Refuses a backbone the engine cannot train, naming what is missing; a study never silently trains another
     * network under its name.
     */
    public Backbone requireSupported() {
        if (missing != null) {
            throw new IllegalArgumentException("backbone '" + id + "' is not supported: " + missing
                    + "; use " + RESNET50.id);
        }
        return this;
    }

    public String id() {
        return id;
    }

    public static Backbone of(String id) {
        return Arrays.stream(values()).filter(b -> b.id.equals(id)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown backbone '" + id + "' (known: " + ids() + ")"));
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Backbone::id).toList();
    }
}
