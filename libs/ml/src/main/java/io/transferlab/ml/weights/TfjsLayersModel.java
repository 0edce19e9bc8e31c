package io.transferlab.ml.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.transferlab.core.storage.Checksums;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a TensorFlow.js layers model: {@code model.json} (topology + weights manifest) and its binary shards.
 * Each manifest group's shards are concatenated in the listed order; the group's weights follow one another in
 * that byte stream, float32 little-endian, in manifest order.
 */
public final class TfjsLayersModel {

    private final JsonNode topology;
    private final Map<String, WeightTensor> weights;
    private final String checksum;

    private TfjsLayersModel(JsonNode topology, Map<String, WeightTensor> weights, String checksum) {
        this.topology = topology;
        this.weights = weights;
        this.checksum = checksum;
    }

    public static TfjsLayersModel read(Path modelJson) {
        if (!Files.isRegularFile(modelJson)) {
            throw new WeightsException("no TF.js model at " + modelJson);
        }
        try {
            JsonNode model = new ObjectMapper().readTree(modelJson.toFile());
            if (!"layers-model".equals(model.path("format").asText("layers-model"))) {
                throw new WeightsException(modelJson + " is a '" + model.path("format").asText()
                        + "' model; only TF.js layers models are supported");
            }
            MessageDigest digest = Checksums.sha256();
            Map<String, WeightTensor> weights = new LinkedHashMap<>();
            Path dir = modelJson.getParent();
            for (JsonNode group : model.path("weightsManifest")) {
                ByteArrayStream data = new ByteArrayStream();
                for (JsonNode shard : group.path("paths")) {
                    Path file = dir.resolve(shard.asText());
                    if (!Files.isRegularFile(file)) {
                        throw new WeightsException("weight shard " + file + " is missing");
                    }
                    byte[] bytes = Files.readAllBytes(file);
                    digest.update(bytes);
                    data.append(bytes);
                }
                ByteBuffer buffer = ByteBuffer.wrap(data.bytes(), 0, data.size()).order(ByteOrder.LITTLE_ENDIAN);
                for (JsonNode spec : group.path("weights")) {
                    String name = spec.path("name").asText();
                    String dtype = spec.path("dtype").asText("float32");
                    if (!dtype.equals("float32") || spec.has("quantization")) {
                        throw new WeightsException("weight " + name + " is " + dtype
                                + (spec.has("quantization") ? " (quantized)" : "") + "; only float32 is supported");
                    }
                    long[] shape = new long[spec.path("shape").size()];
                    for (int i = 0; i < shape.length; i++) {
                        shape[i] = spec.path("shape").get(i).asLong();
                    }
                    WeightTensor tensor = new WeightTensor(name, shape, new float[0]);
                    int count = Math.toIntExact(tensor.size());
                    if (buffer.remaining() < count * 4L) {
                        throw new WeightsException("the shards of " + modelJson + " end inside weight " + name);
                    }
                    float[] values = new float[count];
                    buffer.asFloatBuffer().get(values);
                    buffer.position(buffer.position() + count * 4);
                    weights.put(name, new WeightTensor(name, shape, values));
                }
                if (buffer.hasRemaining()) {
                    throw new WeightsException("the shards of " + modelJson + " hold " + buffer.remaining()
                            + " bytes more than the manifest describes");
                }
            }
            return new TfjsLayersModel(model.path("modelTopology"), weights, HexFormat.of().formatHex(digest.digest()));
        } catch (IOException e) {
            throw new WeightsException("cannot read TF.js model " + modelJson + ": " + e.getMessage(), e);
        }
    }

    public JsonNode topology() {
        return topology;
    }

    public Map<String, WeightTensor> weights() {
        return weights;
    }

    /** SHA-256 of the weight bytes, in manifest order: what caches and checkpoints are keyed by. */
    public String checksum() {
        return checksum;
    }

    public WeightTensor weight(String name) {
        WeightTensor tensor = weights.get(name);
        if (tensor == null) {
            throw new WeightsException("the weights have no '" + name + "'");
        }
        return tensor;
    }

    /** A growable byte array without the copy ByteArrayOutputStream.toByteArray makes. */
    private static final class ByteArrayStream {
        private byte[] bytes = new byte[0];
        private int size;

        void append(byte[] more) {
            if (size + more.length > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more.length));
            }
            System.arraycopy(more, 0, bytes, size, more.length);
            size += more.length;
        }

        byte[] bytes() {
            return bytes;
        }

        int size() {
            return size;
        }
    }
}
