package io.transferlab.core.dataset;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatasetScannerTest {

    @TempDir
    Path dir;

    @Test
    void scansAnImageFolderTree() {
        TestImages.imageFolder(dir, 3, 5);
        DatasetIndex index = DatasetScanner.scan(dir);
        assertThat(index.layout()).isEqualTo(ImageFolderLayout.NAME);
        assertThat(index.classes()).containsExactly("class0", "class1", "class2");
        assertThat(index.countsPerClass()).containsExactly(5, 5, 5);
        assertThat(index.skipped()).isEmpty();
        assertThat(index.images()).contains(new LabeledImage("class1/img0.jpg", 1));
    }

    @Test
    void nonImageFilesAreSkippedWithAReasonAndChangeNothingElse() throws Exception {
        TestImages.imageFolder(dir, 2, 4);
        String before = DatasetScanner.scan(dir).contentVersion();
        Files.writeString(dir.resolve("class0/notes.jpg"), "this is text, not a JPEG");
        Files.write(dir.resolve("class1/empty.png"), new byte[0]);
        DatasetIndex index = DatasetScanner.scan(dir);
        assertThat(index.countsPerClass()).containsExactly(4, 4);
        assertThat(index.skipped()).containsExactly(
                new SkippedFile("class0/notes.jpg", "not an image: no JPEG, PNG, GIF, BMP or WebP signature"),
                new SkippedFile("class1/empty.png", "empty file"));
        assertThat(index.contentVersion()).isEqualTo(before);
    }

    @Test
    void anImageDeclaringTooManyPixelsIsSkippedBeforeItIsDecoded() throws Exception {
        TestImages.imageFolder(dir, 2, 3);
        // 12,000 × 12,000 = 144 megapixels in a file of a few hundred KB
        TestImages.writePngBomb(dir.resolve("class1/bomb.png"), 12_000, 12_000);
        assertThat(Files.size(dir.resolve("class1/bomb.png"))).isLessThan(1 << 20);
        DatasetIndex index = DatasetScanner.scan(dir);
        assertThat(index.countsPerClass()).containsExactly(3, 3);
        assertThat(index.skipped()).singleElement().satisfies(skipped -> {
            assertThat(skipped.path()).isEqualTo("class1/bomb.png");
            assertThat(skipped.reason()).startsWith("too large: bomb.png declares 12000 × 12000 = 144000000 pixels")
                    .contains("limit of 40000000");
        });
        assertThatThrownBy(() -> ImageLimits.decode(dir.resolve("class1/bomb.png")))
                .isInstanceOf(ImageLimits.RefusedImageException.class).hasMessageContaining("144000000 pixels");
        // a small real image decodes through the same check
        assertThat(ImageLimits.decode(dir.resolve("class0/img0.jpg")).getWidth()).isEqualTo(32);
    }

    @Test
    void aLinkThatLeadsOutOfTheDatasetIsSkippedNamingWhereItLeads() throws Exception {
        TestImages.imageFolder(dir.resolve("data"), 2, 3);
        Path outside = dir.resolve("outside.jpg");
        TestImages.writeJpeg(outside, 9, 9);
        Files.createSymbolicLink(dir.resolve("data/class0/stolen.jpg"), outside);
        // a link that stays inside the dataset is as good as the file
        Files.createSymbolicLink(dir.resolve("data/class1/again.jpg"), dir.resolve("data/class1/img0.jpg"));
        DatasetIndex index = DatasetScanner.scan(dir.resolve("data"));
        assertThat(index.countsPerClass()).containsExactly(3, 4);
        assertThat(index.skipped()).singleElement().satisfies(skipped -> {
            assertThat(skipped.path()).isEqualTo("class0/stolen.jpg");
            assertThat(skipped.reason()).startsWith("refused: ").contains("resolves to " + outside.toRealPath());
        });
    }

    @Test
    void aCompressedMatFileThatInflatesPastItsLimitIsRefusedNamingTheFile() throws Exception {
        // 2,000,000 doubles of zeros: 16 MB inflated from a few KB
        Path bomb = dir.resolve("imagelabels.mat");
        Files.write(bomb, TestMatFiles.compressedVector("labels", new double[2_000_000]));
        assertThat(Files.size(bomb)).isLessThan(100_000);
        System.setProperty(MatFile.MAX_BYTES_PROPERTY, String.valueOf(1 << 20));
        try {
            assertThatThrownBy(() -> MatFile.read(bomb)).isInstanceOf(DatasetScanException.class)
                    .hasMessageContaining(bomb.toString()).hasMessageContaining("decompresses to more than its limit of 1048576");
        } finally {
            System.clearProperty(MatFile.MAX_BYTES_PROPERTY);
        }
        // within the limit the same writer's file reads back
        Path small = dir.resolve("small.mat");
        Files.write(small, TestMatFiles.compressedVector("labels", new double[]{3, 1, 2}));
        assertThat(MatFile.read(small).ints("labels")).containsExactly(3, 1, 2);
        System.setProperty(MatFile.MAX_BYTES_PROPERTY, "lots");
        try {
            assertThatThrownBy(() -> MatFile.read(small)).hasMessageContaining("must be a positive number of bytes");
        } finally {
            System.clearProperty(MatFile.MAX_BYTES_PROPERTY);
        }
    }

    @Test
    void theVersionFollowsTheContent() {
        TestImages.imageFolder(dir, 2, 3);
        String v1 = DatasetScanner.scan(dir).contentVersion();
        TestImages.writeJpeg(dir.resolve("class0/img0.jpg"), 999, 1);
        assertThat(DatasetScanner.scan(dir).contentVersion()).isNotEqualTo(v1);
    }

    @Test
    void aVersionOfTheFirstClassesNamesTheFullVersionItWasCutFrom() {
        TestImages.imageFolder(dir, 3, 3);
        DatasetIndex full = DatasetScanner.scan(dir);
        DatasetIndex firstTwo = full.firstClasses(2);

        assertThat(firstTwo.contentVersion()).isNotEqualTo(full.contentVersion());
        assertThat(DatasetIndex.fullVersion(firstTwo.contentVersion())).isEqualTo(full.contentVersion());
        assertThat(DatasetIndex.fullVersion(full.contentVersion())).isEqualTo(full.contentVersion());
    }

    @Test
    void clearErrorsForUnusableFolders() throws Exception {
        assertThatThrownBy(() -> DatasetScanner.scan(dir.resolve("missing")))
                .isInstanceOf(DatasetScanException.class).hasMessageContaining("does not exist");
        TestImages.imageFolder(dir, 2, 3);
        Files.createDirectories(dir.resolve("zinnia"));
        assertThatThrownBy(() -> DatasetScanner.scan(dir))
                .isInstanceOf(DatasetScanException.class).hasMessageContaining("class folder 'zinnia'").hasMessageContaining("is empty");
        Files.writeString(dir.resolve("zinnia/readme.txt"), "no images here");
        assertThatThrownBy(() -> DatasetScanner.scan(dir))
                .isInstanceOf(DatasetScanException.class).hasMessageContaining("class 'zinnia'").hasMessageContaining("no readable images");
        Path flat = Files.createDirectories(dir.resolve("flat-only"));
        TestImages.writeJpeg(flat.resolve("a.jpg"), 1, 1);
        assertThatThrownBy(() -> DatasetScanner.scan(flat)).hasMessageContaining("unknown dataset layout");
    }

    @Test
    void readsTheOxford102LayoutOfTheSharedDataset() {
        Path flowers = SharedData.path("datasets/flowers102");
        Assumptions.assumeTrue(flowers != null, "../shared is not present");
        MatFile labels = MatFile.read(flowers.resolve("imagelabels.mat"));
        assertThat(labels.ints("labels")).hasSize(8189);
        MatFile setid = MatFile.read(flowers.resolve("setid.mat"));
        assertThat(setid.ints("trnid")).hasSize(1020);
        assertThat(setid.ints("valid")).hasSize(1020);
        assertThat(setid.ints("tstid")).hasSize(6149);

        DatasetIndex index = DatasetScanner.scan(flowers);
        assertThat(index.layout()).isEqualTo(Oxford102Layout.NAME);
        assertThat(index.classes()).hasSize(102);
        assertThat(index.classes().get(0)).isEqualTo("001 pink primrose");
        assertThat(index.images()).hasSize(8189);
        int[] counts = index.countsPerClass();
        assertThat(java.util.Arrays.stream(counts).min().getAsInt()).isEqualTo(40);
        assertThat(java.util.Arrays.stream(counts).max().getAsInt()).isEqualTo(258);
    }
}
