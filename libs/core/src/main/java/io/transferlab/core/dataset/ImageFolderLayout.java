package io.transferlab.core.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** One sub-folder per class, images directly inside; classes sorted by folder name, hidden entries ignored. */
public final class ImageFolderLayout {

    public static final String NAME = "image-folder";

    private ImageFolderLayout() {
    }

    static DatasetIndex scan(Path root) {
        List<Path> classDirs;
        try (Stream<Path> entries = Files.list(root)) {
            classDirs = entries.filter(Files::isDirectory).filter(p -> !isHidden(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        if (classDirs.size() < 2) {
            throw new DatasetScanException("unknown dataset layout at " + root + ": expected an ImageFolder tree"
                    + " (one sub-folder per class, at least 2) or the Oxford-102 layout (jpg/ + imagelabels.mat),"
                    + " found " + classDirs.size() + " class folder(s)");
        }
        List<String> classes = new ArrayList<>();
        List<LabeledImage> candidates = new ArrayList<>();
        List<SkippedFile> skipped = new ArrayList<>();
        for (Path dir : classDirs) {
            int label = classes.size();
            String className = dir.getFileName().toString();
            classes.add(className);
            List<Path> files;
            try (Stream<Path> entries = Files.list(dir)) {
                files = entries.filter(p -> !isHidden(p)).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + dir, e);
            }
            if (files.isEmpty()) {
                throw new DatasetScanException("class folder '" + className + "' of " + root + " is empty");
            }
            for (Path file : files) {
                String relative = className + "/" + file.getFileName();
                if (Files.isRegularFile(file)) {
                    candidates.add(new LabeledImage(relative, label));
                } else {
                    skipped.add(new SkippedFile(relative, "not a regular file"));
                }
            }
        }
        return DatasetScanner.index(NAME, root, classes, candidates, skipped);
    }

    private static boolean isHidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }
}
