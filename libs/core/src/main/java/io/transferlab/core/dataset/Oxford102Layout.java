package io.transferlab.core.dataset;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Oxford 102 Flowers layout: {@code jpg/image_NNNNN.jpg}, labels 1..K in {@code imagelabels.mat}, and
 * optionally {@code cat_to_name.json} (class number → flower name) and {@code setid.mat} (the official split).
 * Class i is named "NNN name" so that sorting by name keeps the dataset's own class order.
 */
public final class Oxford102Layout {

    public static final String NAME = "oxford-102";

    private Oxford102Layout() {
    }

    static boolean matches(Path root) {
        return Files.isDirectory(root.resolve("jpg")) && Files.isRegularFile(root.resolve("imagelabels.mat"));
    }

    static DatasetIndex scan(Path root) {
        int[] labels;
        try {
            labels = MatFile.read(io.transferlab.core.storage.StorageRoot.within(root, "imagelabels.mat")).ints("labels");
        } catch (io.transferlab.core.storage.OutsideStorageRootException e) {
            throw new DatasetScanException("imagelabels.mat is refused: " + e.getMessage(), e);
        }
        int classCount = 0;
        for (int label : labels) {
            if (label < 1) {
                throw new DatasetScanException("imagelabels.mat of " + root + " holds label " + label + " (expected 1..K)");
            }
            classCount = Math.max(classCount, label);
        }
        Map<String, String> names = readNames(root.resolve("cat_to_name.json"));
        List<String> classes = new ArrayList<>();
        for (int c = 1; c <= classCount; c++) {
            String name = names.get(Integer.toString(c));
            classes.add(String.format("%03d", c) + (name == null ? "" : " " + name));
        }
        List<LabeledImage> candidates = new ArrayList<>();
        List<SkippedFile> skipped = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            String relative = imagePath(i + 1);
            if (Files.isRegularFile(root.resolve(relative))) {
                candidates.add(new LabeledImage(relative, labels[i] - 1));
            } else {
                skipped.add(new SkippedFile(relative, "listed in imagelabels.mat but missing"));
            }
        }
        return DatasetScanner.index(NAME, root, classes, candidates, skipped);
    }

    /** The path of image number {@code id} (1-based, as in setid.mat). */
    public static String imagePath(int id) {
        return String.format("jpg/image_%05d.jpg", id);
    }

    private static Map<String, String> readNames(Path file) {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, String> names = new ObjectMapper().readValue(file.toFile(), Map.class);
            return names;
        } catch (IOException e) {
            throw new DatasetScanException("cannot read class names from " + file + ": " + e.getMessage(), e);
        }
    }
}
