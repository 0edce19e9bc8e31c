package io.transferlab.core.dataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The result of scanning a dataset: its classes, its readable images, the files left out, and a version that
 * changes whenever the content of any kept image, its class or its name changes.
 */
public record DatasetIndex(String layout, Path root, List<String> classes, List<LabeledImage> images,
                           List<SkippedFile> skipped, String contentVersion) {

    public DatasetIndex {
        classes = List.copyOf(classes);
        images = List.copyOf(images);
        skipped = List.copyOf(skipped);
    }

    public int[] countsPerClass() {
        int[] counts = new int[classes.size()];
        for (LabeledImage image : images) {
            counts[image.label()]++;
        }
        return counts;
    }

    private static final String FIRST_CLASSES = "-first";

    /** The same dataset restricted to its first {@code n} classes (labels keep their meaning). */
    public DatasetIndex firstClasses(int n) {
        if (n >= classes.size()) {
            return this;
        }
        List<LabeledImage> kept = new ArrayList<>();
        for (LabeledImage image : images) {
            if (image.label() < n) {
                kept.add(image);
            }
        }
        return new DatasetIndex(layout, root, classes.subList(0, n), kept, skipped,
                contentVersion + FIRST_CLASSES + n);
    }

    /** The version of the whole dataset that a version of its first classes ({@code V-firstN}) was cut from. */
    public static String fullVersion(String version) {
        return version.replaceFirst(FIRST_CLASSES + "\\d+$", "");
    }
}
