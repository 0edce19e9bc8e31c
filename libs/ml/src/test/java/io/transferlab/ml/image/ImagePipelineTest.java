package io.transferlab.ml.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.transferlab.core.dataset.SharedData;
import io.transferlab.ml.backbone.CaffePreprocessing;
import io.transferlab.ml.backbone.KerasResNet50;
import io.transferlab.ml.weights.ImageNetWeights;
import io.transferlab.ml.weights.KerasWeightLoader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class ImagePipelineTest {

    @TempDir
    Path dir;

    /** From the PNG files to the class: our decoding and resizing lands close to Keras' own input and class. */
    @Test
    void decodedAndResizedImagesGiveKerasInputsAndClasses() throws Exception {
        Path fixtures = SharedData.path("fixtures/resnet50-keras");
        Assumptions.assumeTrue(fixtures != null, "../shared is not present");
        String[][] cases = {{"cat", "285"}, {"bird", "19"}, {"grace_hopper", "652"}};
        try (ImagePipeline pipeline = new ImagePipeline(224, 2); NDManager manager = NDManager.newBaseManager()) {
            KerasResNet50 net = KerasResNet50.withImageNetTop();
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 224, 224));
            KerasWeightLoader.load(net.layers(), ImageNetWeights.resnet50(ImageNetWeights.cacheDir()).weights(), Set.of());
            List<byte[]> images = new ArrayList<>();
            for (String[] c : cases) {
                images.add(pipeline.load(fixtures.resolve(c[0] + ".png"), Augmentation.View.IDENTITY));
            }
            NDArray input = CaffePreprocessing.fromNhwcBgr(pipeline.toTensor(manager, images, null));
            float[] logits = net.forward(new ParameterStore(manager, false), new NDList(input), false)
                    .singletonOrThrow().toFloatArray();
            for (int i = 0; i < cases.length; i++) {
                float[] keras = read(fixtures.resolve(cases[i][0] + ".input-224x224x3-hwc-bgr-caffe.f32"));
                float[] ours = input.get(i).transpose(1, 2, 0).toFloatArray();
                double meanAbs = 0;
                for (int k = 0; k < keras.length; k++) {
                    meanAbs += Math.abs(keras[k] - ours[k]);
                }
                meanAbs /= keras.length;
                System.out.printf("%s: mean |ours - Keras| input difference %.2f (of 255)%n", cases[i][0], meanAbs);
                assertThat(meanAbs).as(cases[i][0] + " input").isLessThan(6.0);
                int best = 0;
                for (int k = 1; k < 1000; k++) {
                    if (logits[i * 1000 + k] > logits[i * 1000 + best]) {
                        best = k;
                    }
                }
                assertThat(best).as(cases[i][0] + " top-1").isEqualTo(Integer.parseInt(cases[i][1]));
            }
        }
    }

    @Test
    void augmentedViewsStayInRangeAndDifferFromTheOriginal() {
        Path image = dir.resolve("a.jpg");
        io.transferlab.core.dataset.TestImages.writeJpeg(image, 7, 3);
        try (ImagePipeline pipeline = new ImagePipeline(32, 2); NDManager manager = NDManager.newBaseManager()) {
            Augmentation.View view = Augmentation.SEED.draw(new SplittableRandom(1));
            assertThat(view.width()).isBetween(0.9, 1.0);
            assertThat(view.height()).isBetween(0.9, 1.0);
            assertThat(Math.abs(view.brightness())).isLessThanOrEqualTo(0.2);
            Augmentation.View flipped = new Augmentation.View(0, 0, 1, 1, true, false, 0.2);
            byte[] original = pipeline.load(image, Augmentation.View.IDENTITY);
            byte[] mirrored = pipeline.load(image, flipped);
            assertThat(mirrored).isNotEqualTo(original);
            NDArray tensor = pipeline.toTensor(manager, List.of(original, mirrored), List.of(Augmentation.View.IDENTITY, flipped));
            assertThat(tensor.max().getFloat()).isLessThanOrEqualTo(255f);
            assertThat(tensor.get(1).mean().getFloat()).isGreaterThan(tensor.get(0).mean().getFloat());
        }
    }

    @Test
    void aFileThatIsNotAnImageIsReportedNotThrownMidBatch() throws Exception {
        Path good = dir.resolve("good.jpg");
        io.transferlab.core.dataset.TestImages.writeJpeg(good, 1, 1);
        Path bad = Files.write(dir.resolve("bad.jpg"), new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3});
        // 12,000 × 12,000 pixels (144 MB decoded) in a small file: refused from its header, never decoded
        Path bomb = dir.resolve("bomb.png");
        io.transferlab.core.dataset.TestImages.writePngBomb(bomb, 12_000, 12_000);
        try (ImagePipeline pipeline = new ImagePipeline(32, 2)) {
            ImagePipeline.Loaded loaded = pipeline.loadAll(List.of(good, bad, bomb), null);
            assertThat(loaded.pixels()[0]).hasSize(32 * 32 * 3);
            assertThat(loaded.errors()[1]).isNotNull().hasMessageContaining("bad.jpg");
            assertThat(loaded.errors()[2]).isNotNull().hasMessageContaining("bomb.png is refused")
                    .hasMessageContaining("144000000 pixels, more than the limit");
            assertThat(loaded.failures()).isEqualTo(2);
        }
    }

    private static float[] read(Path file) throws Exception {
        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[buffer.remaining() / 4];
        buffer.asFloatBuffer().get(values);
        return values;
    }
}
