import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.transferlab.core.dataset.DatasetIndex;
import io.transferlab.core.dataset.DatasetScanner;
import io.transferlab.ml.ComputeDevice;
import io.transferlab.ml.backbone.CaffePreprocessing;
import io.transferlab.ml.backbone.FoldedResNet50;
import io.transferlab.ml.backbone.KerasResNet50;
import io.transferlab.ml.engine.ImageRef;
import io.transferlab.ml.engine.TransferEngine;
import io.transferlab.ml.image.ImagePipeline;
import io.transferlab.ml.weights.ImageNetWeights;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GPU check harness (not part of the project): the project's own frozen backbone (TransferEngine/FoldedResNet50)
 * on whatever device ComputeDevice picks. Writes pooled features of the first N images (batch 32, the project's
 * path) and backbone images/s at several batches, three ways: the project's path (decoded pixels -> tensor ->
 * Caffe preprocessing -> forwardStages, which runs micro-batches of 16), the same with the whole batch in one
 * forward (FoldedResNet50.forwardChunk via reflection), and compute only (one input tensor already on the device).
 * usage: GpuProbe WEIGHTS_DIR DATA_DIR OUT_DIR N_TIMING N_FEATURES BATCHES(comma list or "none")
 */
public final class GpuProbe {
    public static void main(String[] a) throws Exception {
        if (a.length > 0 && a[0].equals("smoke")) {
            smoke();
            return;
        }
        Path weights = Path.of(a[0]);
        Path data = Path.of(a[1]);
        Path out = Files.createDirectories(Path.of(a[2]));
        int nTiming = Integer.parseInt(a[3]);
        int nFeatures = Integer.parseInt(a[4]);
        int[] batches = a[5].equals("none") ? new int[0] : Arrays.stream(a[5].split(",")).mapToInt(Integer::parseInt).toArray();
        Map<String, Object> r = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        r.put("device", ComputeDevice.describe());
        r.put("engineLoadSeconds", secs(t0));
        System.out.println("probe: " + r.get("device"));
        DatasetIndex index = DatasetScanner.scan(data);
        List<ImageRef> all = ImageRef.of(index.root(), index.images());
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        long t1 = System.nanoTime();
        try (TransferEngine engine = new TransferEngine(ImageNetWeights.resnet50(weights),
                Files.createTempDirectory("probe-cache"), threads, 32)) {
            r.put("engineBuildSeconds", secs(t1));
            ImagePipeline pipeline = engine.pipeline();
            FoldedResNet50 frozen = engine.frozen();
            int stages = frozen.stages().size();
            int n = Math.min(all.size(), Math.max(nTiming, nFeatures));
            List<Path> files = all.subList(0, n).stream().map(ImageRef::file).toList();
            long t2 = System.nanoTime();
            byte[][] px = pipeline.loadAll(files, null).pixels();
            r.put("decodeImagesPerSecond", n / secs(t2));
            List<byte[]> pixels = new ArrayList<>(Arrays.asList(px));
            pixels.removeIf(p -> p == null);
            Method chunk = FoldedResNet50.class.getDeclaredMethod("forwardChunk", NDArray.class, int.class, int.class);
            chunk.setAccessible(true);
            // 1. pooled features of the first nFeatures images, batch 32, the project's path
            int nf = Math.min(nFeatures, pixels.size());
            long t3 = System.nanoTime();
            try (NDManager manager = NDManager.newBaseManager(ComputeDevice.best())) {
                ByteBuffer buf = ByteBuffer.allocate(nf * KerasResNet50.FEATURES * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (int from = 0; from < nf; from += 32) {
                    try (NDManager scope = manager.newSubManager()) {
                        NDArray x = CaffePreprocessing.fromNhwcBgr(pipeline.toTensor(scope,
                                pixels.subList(from, Math.min(nf, from + 32)), null));
                        for (float f : KerasResNet50.globalAveragePool(frozen.forwardStages(x, 0, stages)).toFloatArray()) {
                            buf.putFloat(f);
                        }
                    }
                }
                Files.write(out.resolve("features.f32"), buf.array());
            }
            r.put("featureImages", nf);
            r.put("featureSeconds", secs(t3));
            System.out.printf("probe: features of %d images in %.2f s%n", nf, secs(t3));
            // 2. timing
            List<byte[]> timed = pixels.subList(0, Math.min(nTiming, pixels.size()));
            Map<String, Object> project = new LinkedHashMap<>();
            Map<String, Object> whole = new LinkedHashMap<>();
            Map<String, Object> compute = new LinkedHashMap<>();
            for (int b : batches) {
                project.put(String.valueOf(b), endToEnd(pipeline, frozen, stages, timed, b, null));
                whole.put(String.valueOf(b), endToEnd(pipeline, frozen, stages, timed, b, chunk));
                compute.put(String.valueOf(b), computeOnly(pipeline, frozen, stages, timed, b, chunk));
                System.out.printf("probe: batch %d: project path %.1f img/s, whole-batch forward %.1f, compute only %.1f%n",
                        b, project.get(String.valueOf(b)), whole.get(String.valueOf(b)), compute.get(String.valueOf(b)));
            }
            r.put("timedImages", timed.size());
            r.put("projectPathImagesPerSecond", project);
            r.put("wholeBatchImagesPerSecond", whole);
            r.put("computeOnlyImagesPerSecond", compute);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("probe.json").toFile(), r);
        System.out.println("probe: done " + out.resolve("probe.json"));
    }

    /** The engine on its device: describe, a matrix product and a convolution, checked against the CPU. */
    private static void smoke() {
        long t = System.nanoTime();
        System.out.println("smoke: " + ComputeDevice.describe() + " (engine load " + secs(t) + " s)");
        System.out.println("smoke: engine features " + ai.djl.engine.Engine.getEngine("PyTorch").hasCapability("CUDA")
                + " CUDA capability; gpu count " + ComputeDevice.engine().getGpuCount());
        try (NDManager gpu = NDManager.newBaseManager(ComputeDevice.best());
             NDManager cpu = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            NDArray a = cpu.randomNormal(new ai.djl.ndarray.types.Shape(512, 512));
            NDArray b = cpu.randomNormal(new ai.djl.ndarray.types.Shape(512, 512));
            float[] c1 = a.matMul(b).toFloatArray();
            NDArray ag = a.toDevice(ComputeDevice.best(), true);
            NDArray bg = b.toDevice(ComputeDevice.best(), true);
            NDArray cg = ag.matMul(bg);
            float[] c2 = cg.toFloatArray();
            double d = 0, m = 0;
            for (int i = 0; i < c1.length; i++) {
                d = Math.max(d, Math.abs(c1[i] - c2[i]));
                m = Math.max(m, Math.abs(c1[i]));
            }
            System.out.println("smoke: matmul on " + cg.getDevice() + ", max rel diff vs cpu " + (d / m));
        }
        System.out.println("smoke: ok in " + secs(t) + " s");
    }

    private static NDArray run(FoldedResNet50 frozen, NDArray x, int stages, Method chunk) throws Exception {
        return chunk == null ? frozen.forwardStages(x, 0, stages) : (NDArray) chunk.invoke(frozen, x, 0, stages);
    }

    /** As BenchCommand.backboneImagesPerSecond: one warm-up batch, then the best of two passes over the images. */
    private static double endToEnd(ImagePipeline pipeline, FoldedResNet50 frozen, int stages, List<byte[]> pixels, int batch,
                                   Method chunk) throws Exception {
        try (NDManager manager = NDManager.newBaseManager(ComputeDevice.best())) {
            forward(manager, pipeline, frozen, pixels.subList(0, Math.min(batch, pixels.size())), stages, chunk);
            double best = 0;
            for (int repeat = 0; repeat < 2; repeat++) {
                long t = System.nanoTime();
                for (int from = 0; from < pixels.size(); from += batch) {
                    forward(manager, pipeline, frozen, pixels.subList(from, Math.min(pixels.size(), from + batch)), stages, chunk);
                }
                best = Math.max(best, pixels.size() / secs(t));
            }
            return best;
        }
    }

    private static void forward(NDManager manager, ImagePipeline pipeline, FoldedResNet50 frozen, List<byte[]> pixels,
                                int stages, Method chunk) throws Exception {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = CaffePreprocessing.fromNhwcBgr(pipeline.toTensor(scope, pixels, null));
            KerasResNet50.globalAveragePool(run(frozen, x, stages, chunk)).toFloatArray();
        }
    }

    /** One preprocessed batch kept on the device, forwarded whole (2 warm-ups, then enough repeats for ~1 s, >= 3). */
    private static double computeOnly(ImagePipeline pipeline, FoldedResNet50 frozen, int stages, List<byte[]> pixels,
                                      int batch, Method chunk) throws Exception {
        if (pixels.size() < batch) {
            return Double.NaN;
        }
        try (NDManager manager = NDManager.newBaseManager(ComputeDevice.best())) {
            NDArray x = CaffePreprocessing.fromNhwcBgr(pipeline.toTensor(manager, pixels.subList(0, batch), null));
            for (int i = 0; i < 2; i++) {
                try (NDManager s = manager.newSubManager()) {
                    NDArray y = run(frozen, x, stages, chunk);
                    s.attachAll(y);
                    KerasResNet50.globalAveragePool(y).toFloatArray();
                }
            }
            int reps = 0;
            long t = System.nanoTime();
            while (reps < 3 || (secs(t) < 1.0 && reps < 200)) {
                try (NDManager s = manager.newSubManager()) {
                    NDArray y = run(frozen, x, stages, chunk);
                    s.attachAll(y);
                    KerasResNet50.globalAveragePool(y).toFloatArray();
                }
                reps++;
            }
            return (double) reps * batch / secs(t);
        }
    }

    private static double secs(long t) {
        return (System.nanoTime() - t) / 1e9;
    }
}
