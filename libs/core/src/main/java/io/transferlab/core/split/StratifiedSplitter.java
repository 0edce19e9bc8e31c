package io.transferlab.core.split;

import io.transferlab.core.dataset.LabeledImage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
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

    public static DatasetSplit split(List<LabeledImage> images, List<String> classes, TrainingSize size, long seed) {
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
            int nTrain = (int) Math.round(n * size.trainFraction());
            int nTest = (int) Math.round(n * size.testFraction());
            int nVal = n - nTrain - nTest;
            if (nTrain < 1 || nTest < 1 || nVal < 1) {
                throw new InsufficientImagesException("class '" + classes.get(c) + "' has " + n
                        + " image(s); size '" + size.name() + "' needs at least " + minimumImages(size)
                        + " per class to put one in each of train, validation and test");
            }
            members.sort(Comparator.comparing(LabeledImage::path));
            Collections.shuffle(members, new Random(seed * 31 + crc(classes.get(c))));
            train.addAll(members.subList(0, nTrain));
            test.addAll(members.subList(nTrain, nTrain + nTest));
            val.addAll(members.subList(nTrain + nTest, n));
        }
        return new DatasetSplit(train, val, test);
    }

    /** The fewest images a class needs so that train, validation and test each get at least one. */
    public static int minimumImages(TrainingSize size) {
        for (int n = 3; ; n++) {
            int nTrain = (int) Math.round(n * size.trainFraction());
            int nTest = (int) Math.round(n * size.testFraction());
            if (nTrain >= 1 && nTest >= 1 && n - nTrain - nTest >= 1) {
                return n;
            }
        }
    }

    private static long crc(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
