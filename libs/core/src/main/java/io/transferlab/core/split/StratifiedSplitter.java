package io.transferlab.core.split;

import io.transferlab.core.dataset.DatasetIndex;
import io.transferlab.core.dataset.DatasetScanException;
import io.transferlab.core.dataset.LabeledImage;
import io.transferlab.core.dataset.MatFile;
import io.transferlab.core.dataset.Oxford102Layout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * Seeded stratified train/validation/test splits. Each class is split on its own, so every part holds each
 * class in the requested proportion to within one image, and every class appears in every part. The shuffle of
 * a class depends only on the seed and the class's name and files, so adding a class leaves the others as they
 * were.
 */
public final class StratifiedSplitter {

    private StratifiedSplitter() {
    }

    /** The split a training size asks for, whatever its kind. */
    public static DatasetSplit split(DatasetIndex index, TrainingSize size, long seed) {
        return switch (size.kind()) {
            case FRACTIONS, PER_CLASS -> split(index.images(), index.classes(), size, seed);
            case OFFICIAL -> official(index);
        };
    }

    public static DatasetSplit split(List<LabeledImage> images, List<String> classes, TrainingSize size, long seed) {
        if (size.kind() == TrainingSize.Kind.OFFICIAL) {
            throw new IllegalArgumentException("the official split comes from the dataset itself, not from fractions");
        }
        List<List<LabeledImage>> byClass = new ArrayList<>();
        classes.forEach(c -> byClass.add(new ArrayList<>()));
        for (LabeledImage image : images) {
            byClass.get(image.label()).add(image);
        }
        List<LabeledImage> train = new ArrayList<>();
        List<LabeledImage> val = new ArrayList<>();
        List<LabeledImage> test = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            List<LabeledImage> members = byClass.get(c);
            int n = members.size();
            int[] counts = counts(size, n);
            if (counts == null) {
                throw new InsufficientImagesException("class '" + classes.get(c) + "' has " + n
                        + " image(s); size '" + size.name() + "' needs at least " + minimumImages(size)
                        + " per class to put one in each of train, validation and test");
            }
            members.sort(Comparator.comparing(LabeledImage::path));
            Collections.shuffle(members, new Random(seed * 31 + crc(classes.get(c))));
            int nTrain = counts[0], nTest = counts[1], nVal = counts[2];
            if (size.kind() == TrainingSize.Kind.PER_CLASS) {
                // test and validation first, so that every k of a seed shares them and training sets are nested
                test.addAll(members.subList(0, nTest));
                val.addAll(members.subList(nTest, nTest + nVal));
                train.addAll(members.subList(nTest + nVal, nTest + nVal + nTrain));
            } else {
                train.addAll(members.subList(0, nTrain));
                test.addAll(members.subList(nTrain, nTrain + nTest));
                val.addAll(members.subList(nTrain + nTest, n));
            }
        }
        return new DatasetSplit(train, val, test);
    }

    /** {train, test, val} for a class of n images, or null when one part would be empty. */
    private static int[] counts(TrainingSize size, int n) {
        if (size.kind() == TrainingSize.Kind.PER_CLASS) {
            int nTest = Math.max(1, (int) Math.round(n * size.testFraction()));
            int nVal = Math.max(1, (int) Math.round(n * size.valFraction()));
            int left = n - nTest - nVal;
            int nTrain = size.perClass() == TrainingSize.ALL ? left : size.perClass();
            return nTrain >= 1 && left >= nTrain ? new int[]{nTrain, nTest, nVal} : null;
        }
        int nTrain = (int) Math.round(n * size.trainFraction());
        int nTest = (int) Math.round(n * size.testFraction());
        int nVal = n - nTrain - nTest;
        return nTrain >= 1 && nTest >= 1 && nVal >= 1 ? new int[]{nTrain, nTest, nVal} : null;
    }

    /** The fewest images a class needs for this size. */
    public static int minimumImages(TrainingSize size) {
        for (int n = 3; ; n++) {
            if (counts(size, n) != null) {
                return n;
            }
        }
    }

    /** Oxford-102's setid.mat: trnid, valid and tstid (1-based image numbers), restricted to the kept classes. */
    static DatasetSplit official(DatasetIndex index) {
        Path setid = index.root().resolve("setid.mat");
        if (!Oxford102Layout.NAME.equals(index.layout()) || !Files.isRegularFile(setid)) {
            throw new DatasetScanException("preset 'official' needs the Oxford-102 layout with setid.mat; "
                    + index.root() + " has none");
        }
        MatFile mat = MatFile.read(setid);
        Map<String, LabeledImage> byPath = new HashMap<>();
        index.images().forEach(image -> byPath.put(image.path(), image));
        return new DatasetSplit(pick(mat.ints("trnid"), byPath), pick(mat.ints("valid"), byPath),
                pick(mat.ints("tstid"), byPath));
    }

    private static List<LabeledImage> pick(int[] ids, Map<String, LabeledImage> byPath) {
        List<LabeledImage> part = new ArrayList<>();
        for (int id : ids) {
            LabeledImage image = byPath.get(Oxford102Layout.imagePath(id));
            if (image != null) {
                part.add(image);
            }
        }
        return part;
    }

    private static long crc(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
