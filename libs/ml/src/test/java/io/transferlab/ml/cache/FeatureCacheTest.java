package io.transferlab.ml.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FeatureCacheTest {

    @TempDir
    Path root;

    private static FeatureCache.Key key(String weights, DataType type) {
        return new FeatureCache.Key("resnet50", weights, "caffe", "res5c-input", "identity", new Shape(2, 3), type);
    }

    @Test
    void storesInFp16ReadsBackAfterARestartAndKeysByEverythingItDependsOn() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray batch = manager.create(new float[]{0.1f, -2.5f, 3.25f, 1000f, 0f, 7.125f,
                    1, 2, 3, 4, 5, 6}, new Shape(2, 2, 3));
            try (FeatureCache cache = FeatureCache.open(root, key("w1", DataType.FLOAT16))) {
                cache.put(List.of("imageA", "imageB"), batch);
                assertThat(cache.missing(List.of("imageA", "imageC", "imageB"))).containsExactly("imageC");
            }
            try (FeatureCache reopened = FeatureCache.open(root, key("w1", DataType.FLOAT16))) {
                assertThat(reopened.size()).isEqualTo(2);
                float[] values = reopened.get(manager, List.of("imageB", "imageA")).toFloatArray();
                assertThat(values[0]).isEqualTo(1f);
                assertThat(values[6]).isCloseTo(0.1f, within(1e-3f));   // fp16 precision
                assertThat(values[9]).isEqualTo(1000f);
            }
            try (FeatureCache otherWeights = FeatureCache.open(root, key("w2", DataType.FLOAT16));
                 FeatureCache otherPrecision = FeatureCache.open(root, key("w1", DataType.FLOAT32))) {
                assertThat(otherWeights.size()).isZero();
                assertThat(otherPrecision.size()).isZero();
                assertThat(otherWeights.dir()).isNotEqualTo(otherPrecision.dir());
            }
        }
    }

    @Test
    void aTornRecordFromACrashIsNotTrusted() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            FeatureCache.Key key = key("w1", DataType.FLOAT32);
            Path dir;
            try (FeatureCache cache = FeatureCache.open(root, key)) {
                cache.put(List.of("a"), manager.ones(new Shape(1, 2, 3)));
                dir = cache.dir();
            }
            // the index names a second record whose bytes never fully reached the disk
            Files.writeString(dir.resolve("index.tsv"), "b\t1\n", StandardOpenOption.APPEND);
            Files.write(dir.resolve("records.bin"), new byte[5], StandardOpenOption.APPEND);
            try (FeatureCache cache = FeatureCache.open(root, key)) {
                assertThat(cache.contains("a")).isTrue();
                assertThat(cache.contains("b")).isFalse();
            }
        }
    }
}
