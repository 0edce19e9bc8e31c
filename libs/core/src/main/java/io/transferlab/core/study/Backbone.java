package io.transferlab.core.study;

import java.util.Arrays;
import java.util.List;

/** The ImageNet networks a study can start from. */
public enum Backbone {
    /** Keras ResNet50 (v1), 'caffe' preprocessing. */
    RESNET50("resnet50"),
    /** Keras ResNet50-V2 (pre-activation), 'tf' preprocessing: the seed's own backbone. */
    RESNET50_V2("resnet50v2");

    private final String id;

    Backbone(String id) {
        this.id = id;
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
