package io.transferlab.ml;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Keeps oneDNN (libtorch's CPU convolutions) from killing the JVM, or computing wrong features, on CPUs that report a
 * cache topology it cannot handle: on some virtual machines (seen: an "AMD EPYC" with AVX-512 whose cache leaves are
 * blank) the AVX2 and AVX-512 "brgemm" convolutions of libtorch 2.7.1 divide by zero while choosing their blocking
 * (SIGFPE: the whole process dies), and those of libtorch 2.5.1 (the CUDA build's CPU fallback) return features 13 %
 * off Keras'.
 *
 * <p>Whether this CPU is affected is found out once, in child JVMs: ResNet50's convolutions with oneDNN as it is, and
 * with it limited to AVX; the verdict (it crashes, its results differ, or it is fine) is kept per CPU (model and
 * flags) and libtorch version under the cache folder. On an affected CPU the limit {@code ONEDNN_MAX_CPU_ISA=AVX} is
 * set in this process's environment before libtorch creates its first primitive (oneDNN reads it then): slower
 * convolutions, right results. A limit the user set is always kept.
 */
public final class OneDnnGuard {

    static final String VARIABLE = "ONEDNN_MAX_CPU_ISA";
    static final String SAFE_ISA = "AVX";
    private static final Logger LOG = LoggerFactory.getLogger(OneDnnGuard.class);
    private static volatile String applied;

    private OneDnnGuard() {
    }

    /** The limit this process runs under (the user's, or the one set here), or null when there is none. */
    public static String limit() {
        return applied != null ? applied : System.getenv(VARIABLE);
    }

    /** Finds out (once per CPU) whether oneDNN crashes here, and limits it if so; call before the first convolution. */
    public static synchronized void ensure() {
        if (applied != null || System.getenv(VARIABLE) != null || !isLinuxX86()
                || Boolean.getBoolean("transferlab.onednn.no-probe")) {
            return;
        }
        String signature = cpuSignature();
        Path verdictFile = cacheDir().resolve("onednn-" + signature + ".verdict");
        String verdict = read(verdictFile);
        if (verdict == null) {
            verdict = probe();
            write(verdictFile, verdict);
        }
        if ("crashes".equals(verdict) || "differs".equals(verdict)) {
            NativeTuning.LibC.INSTANCE.setenv(VARIABLE, SAFE_ISA, 1);
            applied = SAFE_ISA;
            LOG.warn("oneDNN's AVX2/AVX-512 convolutions {} on this CPU (its cache topology): limited to {}={}"
                    + " (slower, right results; set {} yourself to choose)",
                    "crashes".equals(verdict) ? "crash" : "compute wrong results", VARIABLE, SAFE_ISA, VARIABLE);
        }
    }

    /** "ok", "crashes" (the child died of a signal), "differs" (other results than with AVX) or "unknown". */
    private static String probe() {
        Probe unlimited = runChild(null);
        if (unlimited.crashed()) {
            LOG.info("oneDNN probe: the convolutions killed the child JVM (exit {})", unlimited.exit());
            return "crashes";
        }
        if (unlimited.exit() != 0) {
            // the probe itself could not run: no verdict about oneDNN, so nothing is limited
            LOG.warn("oneDNN probe did not run (exit {}): {}", unlimited.exit(), unlimited.output().lines().limit(5).toList());
            return "unknown";
        }
        Probe limited = runChild(SAFE_ISA);
        if (limited.exit() != 0 || limited.values() == null || unlimited.values() == null) {
            LOG.warn("oneDNN probe limited to {} did not run (exit {})", SAFE_ISA, limited.exit());
            return "unknown";
        }
        double[] a = unlimited.values();
        double[] b = limited.values();
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1e-3, Math.abs(b[i])));
        }
        if (worst > 1e-3) {
            LOG.info("oneDNN probe: results differ from those limited to {} by up to {} (relative)", SAFE_ISA, worst);
            return "differs";
        }
        return "ok";
    }

    private record Probe(int exit, String output) {
        boolean crashed() {
            return exit > 128 || output.contains("SIGFPE") || output.contains("SIGILL");
        }

        double[] values() {
            return output.lines().filter(l -> l.startsWith("oneDNN probe values:")).findFirst()
                    .map(l -> java.util.Arrays.stream(l.substring(l.indexOf(':') + 1).trim().split(" "))
                            .mapToDouble(Double::parseDouble).toArray())
                    .orElse(null);
        }
    }

    private static Probe runChild(String isa) {
        try {
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dai.djl.offline=true", "-Dtransferlab.onednn.no-probe=true", "-cp", classPath(),
                    OneDnnGuard.class.getName()).redirectErrorStream(true);
            builder.environment().remove(VARIABLE);
            if (isa != null) {
                builder.environment().put(VARIABLE, isa);
            }
            Process child = builder.start();
            byte[] output = child.getInputStream().readAllBytes();
            if (!child.waitFor(5, TimeUnit.MINUTES)) {
                child.destroyForcibly();
                return new Probe(-1, "timed out");
            }
            return new Probe(child.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Probe(-1, "could not start: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Probe(-1, "interrupted");
        }
    }

    /** The child's class path: the jars (or folders) holding DJL, its PyTorch engine and natives, Jackson, this module. */
    private static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        ClassLoader loader = OneDnnGuard.class.getClassLoader();
        for (String resource : new String[]{"io/transferlab/ml/OneDnnGuard.class", "ai/djl/engine/Engine.class",
                "ai/djl/pytorch/engine/PtEngine.class", "ai/djl/pytorch/jni/PyTorchLibrary.class",
                "jnilib/pytorch.properties", "native/lib/pytorch.properties", "com/sun/jna/Native.class",
                "com/google/gson/Gson.class", "org/slf4j/LoggerFactory.class",
                "org/apache/commons/compress/archivers/ArchiveEntry.class", "io/transferlab/core/storage/Checksums.class",
                "com/fasterxml/jackson/databind/ObjectMapper.class", "com/fasterxml/jackson/core/JsonFactory.class",
                "com/fasterxml/jackson/annotation/JsonProperty.class"}) {
            URL url = loader.getResource(resource);
            if (url != null) {
                entries.add(location(url, resource));
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static String location(URL url, String resource) {
        String text = url.toString();
        try {
            if (text.startsWith("jar:")) {
                return Path.of(new URL(text.substring(4, text.indexOf("!/"))).toURI()).toString();
            }
            Path file = Path.of(url.toURI());
            for (int i = 0; i < resource.split("/").length; i++) {
                file = file.getParent();
            }
            return file.toString();
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot locate " + text, e);
        }
    }

    /**
     * The child: ResNet50 (random weights) forward and backward at batch 2 on 224×224, inference at batch 32 on
     * 64×64 and at batch 1 on 224×224 — the convolution shapes the engine runs; which shapes oneDNN's blocking trips
     * over depends on the CPU.
     */
    public static void main(String[] args) {
        ai.djl.engine.Engine.getEngine(ComputeDevice.ENGINE).setRandomSeed(20);
        try (Model model = Model.newInstance("onednn-probe")) {
            io.transferlab.ml.backbone.KerasResNet50 backbone = io.transferlab.ml.backbone.KerasResNet50.withoutTop();
            model.setBlock(backbone);
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()))) {
                trainer.initialize(new Shape(2, 3, 224, 224));
                // the ImageNet weights, loaded as the engine loads them, where they are (some wrong results show only
                // with them); random ones otherwise
                if (java.nio.file.Files.isRegularFile(io.transferlab.ml.weights.ImageNetWeights.resnet50ModelJson(
                        io.transferlab.ml.weights.ImageNetWeights.cacheDir()))) {
                    io.transferlab.ml.weights.KerasWeightLoader.load(backbone.layers(), io.transferlab.ml.weights
                            .ImageNetWeights.resnet50(io.transferlab.ml.weights.ImageNetWeights.cacheDir()).weights(),
                            java.util.Set.of("fc1000"));
                }
                NDManager manager = trainer.getManager();
                StringBuilder values = new StringBuilder("oneDNN probe values:");
                try (GradientCollector collector = trainer.newGradientCollector()) {
                    NDArray y = trainer.forward(new NDList(manager.randomUniform(-128, 128, new Shape(2, 3, 224, 224))))
                            .singletonOrThrow();
                    collector.backward(y.sum());
                    sample(y, values);
                }
                sample(trainer.evaluate(new NDList(manager.randomUniform(-128, 128, new Shape(32, 3, 64, 64))))
                        .singletonOrThrow(), values);
                sample(trainer.evaluate(new NDList(manager.randomUniform(-128, 128, new Shape(1, 3, 224, 224))))
                        .singletonOrThrow(), values);
                System.out.println(values);
            }
        }
    }

    /** 64 of the pooled features, spread over the batch and the channels. */
    private static void sample(NDArray features, StringBuilder values) {
        float[] pooled = io.transferlab.ml.backbone.KerasResNet50.globalAveragePool(features).toFloatArray();
        for (int i = 0; i < pooled.length; i += pooled.length / 64) {
            values.append(' ').append(pooled[i]);
        }
    }

    private static String cpuSignature() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name") || l.startsWith("flags") || l.startsWith("vendor_id"))
                    .distinct().reduce("", String::concat);
            String engine = String.valueOf(OneDnnGuard.class.getClassLoader().getResource("native/lib/pytorch.properties"));
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((cpu + engine).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (IOException | NoSuchAlgorithmException e) {
            return "unknown-cpu";
        }
    }

    private static Path cacheDir() {
        String configured = System.getenv("TRANSFERLAB_CACHE");
        return configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".cache", "transferlab");
    }

    private static String read(Path file) {
        try {
            String text = Files.readString(file).trim();
            return text.equals("ok") || text.equals("crashes") ? text : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void write(Path file, String verdict) {
        if ("unknown".equals(verdict)) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "onednn", ".tmp");
            Files.writeString(tmp, verdict);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.debug("could not keep the oneDNN verdict in {}: {}", file, e.getMessage());
        }
    }

    private static boolean isLinuxX86() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")
                && System.getProperty("os.arch", "").matches("amd64|x86_64");
    }
}
