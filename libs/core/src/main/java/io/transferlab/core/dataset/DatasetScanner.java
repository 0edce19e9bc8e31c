package io.transferlab.core.dataset;

import io.transferlab.core.storage.OutsideStorageRootException;
import io.transferlab.core.storage.StorageRoot;

import io.transferlab.core.storage.Checksums;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/** Reads a dataset folder in whichever layout it has: Oxford-102 (jpg/ + imagelabels.mat) or ImageFolder. */
public final class DatasetScanner {

    private DatasetScanner() {
    }

    public static DatasetIndex scan(Path root) {
        if (!Files.exists(root)) {
            throw new DatasetScanException("dataset folder " + root + " does not exist");
        }
        if (!Files.isDirectory(root)) {
            throw new DatasetScanException("dataset path " + root + " is not a folder");
        }
        if (Oxford102Layout.matches(root)) {
            return Oxford102Layout.scan(root);
        }
        return ImageFolderLayout.scan(root);
    }

    /** Why an image is refused for its declared size (read from its header), or null when it is within the limit. */
    private static String tooLarge(Path file) {
        try {
            ImageLimits.check(file);
            return null;
        } catch (ImageLimits.RefusedImageException e) {
            return "too large: " + e.getMessage();
        } catch (IOException | RuntimeException e) {
            return null; // a header this JVM cannot parse: decoding will say what is wrong, per image
        }
    }

    /**
     * Sorts candidate files into images and skipped files. Every kept image must start with an image signature;
     * the version is a SHA-256 over the kept images' names, labels and contents.
     */
    static DatasetIndex index(String layout, Path root, List<String> classes, List<LabeledImage> candidates,
                              List<SkippedFile> alreadySkipped) {
        List<LabeledImage> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparing(LabeledImage::path));
        String[] contentHashes = new String[sorted.size()];
        String[] problems = new String[sorted.size()];
        java.util.stream.IntStream.range(0, sorted.size()).parallel().forEach(i -> {
            Path file;
            try {
                // a link inside the dataset that leads out of it (to /etc/passwd, say) is no image of it
                file = StorageRoot.within(root, sorted.get(i).path());
            } catch (OutsideStorageRootException e) {
                problems[i] = "refused: " + e.getMessage();
                return;
            }
            try {
                if (Files.size(file) == 0) {
                    problems[i] = "empty file";
                } else if (ImageFormat.sniff(file).isEmpty()) {
                    problems[i] = "not an image: no JPEG, PNG, GIF, BMP or WebP signature";
                } else {
                    problems[i] = tooLarge(file);
                    if (problems[i] == null) {
                        contentHashes[i] = Checksums.sha256(file);
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                problems[i] = "unreadable: " + e.getMessage();
            }
        });
        List<LabeledImage> images = new ArrayList<>();
        List<SkippedFile> skipped = new ArrayList<>(alreadySkipped);
        MessageDigest version = Checksums.sha256();
        for (int i = 0; i < sorted.size(); i++) {
            LabeledImage image = sorted.get(i);
            if (problems[i] != null) {
                skipped.add(new SkippedFile(image.path(), problems[i]));
                continue;
            }
            images.add(image);
            version.update((image.path() + '\t' + classes.get(image.label()) + '\t' + contentHashes[i] + '\n')
                    .getBytes(StandardCharsets.UTF_8));
        }
        skipped.sort(Comparator.comparing(SkippedFile::path));
        DatasetIndex index = new DatasetIndex(layout, root, classes, images, skipped,
                HexFormat.of().formatHex(version.digest()).substring(0, 16));
        int[] counts = index.countsPerClass();
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] == 0) {
                throw new DatasetScanException("class '" + classes.get(c) + "' of " + root + " has no readable images");
            }
        }
        return index;
    }
}
