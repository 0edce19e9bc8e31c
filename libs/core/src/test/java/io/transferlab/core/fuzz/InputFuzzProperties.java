package io.transferlab.core.fuzz;

import io.transferlab.core.events.EventCodec;
import io.transferlab.core.events.MalformedEventException;
import io.transferlab.core.events.StudyRequested;
import io.transferlab.core.events.SplitManifestPublished;
import io.transferlab.core.events.EvaluationCompleted;
import io.transferlab.core.dataset.DatasetScanException;
import io.transferlab.core.dataset.ImageLimits;
import io.transferlab.core.dataset.MatFile;
import io.transferlab.core.storage.OutsideStorageRootException;
import io.transferlab.core.storage.StorageRoot;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated malformed input thrown at what reads outside input: each must either accept it or refuse it with its
 * own named error — never another exception, never a hang, never an out-of-memory.
 */
class InputFuzzProperties {

    @Property(tries = 1000)
    void anyTextIsAnEventOrAMalformedEvent(@ForAll("jsonish") String json) {
        for (Class<? extends io.transferlab.core.events.TransferLabEvent> type : java.util.List.of(
                StudyRequested.class, SplitManifestPublished.class, EvaluationCompleted.class)) {
            try {
                assertThat(EventCodec.fromJson(json, type)).isNotNull();
            } catch (MalformedEventException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        }
    }

    /** Valid events' JSON with pieces cut, swapped and repeated, and plain random text. */
    @Provide
    Arbitrary<String> jsonish() {
        String valid = EventCodec.toJson(StudyRequested.of("s1", "datasets/x", "seed-2020", java.util.List.of("small"),
                java.util.List.of("fe"), java.util.List.of(42L), "resnet50", null));
        Arbitrary<String> mutated = Arbitraries.integers().between(0, valid.length())
                .tuple3().flatMap(t -> Arbitraries.strings().ofMaxLength(20).map(insert -> {
                    int a = Math.min(t.get1(), t.get2());
                    int b = Math.max(t.get1(), t.get2());
                    return valid.substring(0, a) + insert + valid.substring(b);
                }));
        Arbitrary<String> fieldsNulled = Arbitraries.of("\"studyId\"", "\"sizes\"", "\"seeds\"", "\"schemaVersion\"",
                "\"eventId\"").map(field -> valid.replaceFirst(field + ":[^,}]*", field + ":null"));
        return Arbitraries.oneOf(mutated, fieldsNulled, Arbitraries.strings().ofMaxLength(200),
                Arbitraries.just("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["),
                Arbitraries.just("{\"schemaVersion\": 1e999999999}"));
    }

    @Property(tries = 500)
    void anyBytesAreAMatFileOrARefusalNamingTheFile(@ForAll("matBytes") byte[] bytes) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("fuzz", ".mat");
        try {
            java.nio.file.Files.write(file, bytes);
            try {
                MatFile.read(file).ints("labels");
            } catch (DatasetScanException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    /** A valid compressed MAT-file with bytes flipped, cut or appended, and plain random bytes. */
    @Provide
    Arbitrary<byte[]> matBytes() {
        byte[] valid = io.transferlab.core.dataset.TestMatFiles.compressedVector("labels", new double[]{1, 2, 3, 4});
        Arbitrary<byte[]> flipped = flipped(valid, 8, p -> (byte) (1 + p % 255));
        Arbitrary<byte[]> cut = Arbitraries.integers().between(0, valid.length)
                .map(n -> java.util.Arrays.copyOf(valid, n));
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
        return Arbitraries.oneOf(flipped, cut, random);
    }

    /** Copies of {@code valid} with 1 to {@code most} bytes, at generated positions, xor-ed with {@code mask(position)}. */
    private static Arbitrary<byte[]> flipped(byte[] valid, int most, java.util.function.IntFunction<Byte> mask) {
        return Arbitraries.integers().between(0, valid.length - 1).list().ofMinSize(1).ofMaxSize(most)
                .map(positions -> {
                    byte[] copy = valid.clone();
                    positions.forEach(p -> copy[p] ^= mask.apply(p));
                    return copy;
                });
    }

    @Property(tries = 300)
    void anyBytesAreAnImageOrARefusalNamingTheFile(@ForAll("imageBytes") byte[] bytes) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("fuzz", ".img");
        try {
            java.nio.file.Files.write(file, bytes);
            try {
                assertThat(ImageLimits.decode(file).getWidth()).isPositive();
            } catch (ImageLimits.RefusedImageException e) {
                assertThat(e.getMessage()).contains(file.getFileName().toString());
            } catch (java.io.IOException e) {
                assertThat(e.getMessage()).isNotNull();
            }
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    /** Real small PNG and JPEG files with bytes flipped or cut, and random bytes behind image signatures. */
    @Provide
    Arbitrary<byte[]> imageBytes() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("fuzz-images");
        io.transferlab.core.dataset.TestImages.writeJpeg(dir.resolve("a.jpg"), 3, 4);
        io.transferlab.core.dataset.TestImages.writePngBomb(dir.resolve("b.png"), 40, 30);
        byte[] jpeg = java.nio.file.Files.readAllBytes(dir.resolve("a.jpg"));
        byte[] png = java.nio.file.Files.readAllBytes(dir.resolve("b.png"));
        Arbitrary<byte[]> valid = Arbitraries.of(jpeg, png);
        Arbitrary<byte[]> flipped = valid.flatMap(v -> flipped(v, 6, p -> (byte) 0x5a));
        Arbitrary<byte[]> cut = valid.flatMap(v -> Arbitraries.integers().between(1, v.length).map(n -> java.util.Arrays.copyOf(v, n)));
        Arbitrary<byte[]> signed = Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(tail -> {
            byte[] head = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
            byte[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
            System.arraycopy(tail, 0, all, head.length, tail.length);
            return all;
        });
        return Arbitraries.oneOf(flipped, cut, signed);
    }

    @Property(tries = 1000)
    void anyPathIsUnderTheRootOrRefused(@ForAll("paths") String reference) throws Exception {
        java.nio.file.Path root = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "fuzz-root").toAbsolutePath();
        java.nio.file.Files.createDirectories(root);
        try {
            assertThat(new StorageRoot(root).resolve(reference).startsWith(root)).as(reference).isTrue();
        } catch (OutsideStorageRootException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> part = Arbitraries.oneOf(Arbitraries.of("..", ".", "", "/", "//", "~", "\u0000", "datasets",
                "%2e%2e", "\\", "/etc/passwd", " "), Arbitraries.strings().ofMaxLength(8));
        return part.list().ofMaxSize(8).map(parts -> String.join("/", parts));
    }
}
