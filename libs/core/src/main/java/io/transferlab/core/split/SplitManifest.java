package io.transferlab.core.split;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.transferlab.core.dataset.LabeledImage;
import io.transferlab.core.dataset.SkippedFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The file behind a SplitManifestPublished event: which images of which dataset are in train, validation and
 * test for one training set. Paths are relative to {@code datasetPath}, itself relative to the storage root.
 */
public record SplitManifest(int schemaVersion, String studyId, String runId, String datasetId, String datasetPath,
                            String datasetLayout, String datasetVersion, String preset, String splitName, long seed,
                            List<String> classes, List<LabeledImage> train, List<LabeledImage> val,
                            List<LabeledImage> test, List<SkippedFile> skipped) {

    public static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public byte[] toJson() {
        try {
            return MAPPER.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SplitManifest fromJson(byte[] json) {
        try {
            return MAPPER.readValue(json, SplitManifest.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a split manifest: " + e.getMessage(), e);
        }
    }
}
