package io.transferlab.gateway.mapping;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** What a user posts to start a study; everything but the dataset has a default. */
@Schema(description = "A study request")
public record StudyRequest(
        @Schema(description = "Dataset folder, relative to the storage root", examples = "datasets/flowers102", required = true)
        String datasetPath,
        @Schema(description = "Preset of training sizes", defaultValue = "seed-2020")
        String preset,
        @Schema(description = "Training sizes of the preset; default all of them", examples = "[\"large\",\"medium\",\"small\"]")
        List<String> sizes,
        @Schema(description = "Strategies to run on each training set", defaultValue = "[\"fe\",\"ft\"]")
        List<String> strategies,
        @Schema(description = "Split seeds: one training set per size and seed; default 42, and for the"
                + " learning-curve preset 42, 43, 44 (its answer is a fit through the seeds' means)")
        List<Long> seeds,
        @Schema(description = "ImageNet backbone", defaultValue = "resnet50")
        String backbone,
        @Schema(description = "Keep only the first N classes (quick runs)")
        Integer classLimit,
        @Schema(description = "Rerun the study when the dataset-service finds a new content version of the dataset",
                defaultValue = "false")
        Boolean rerunOnChange,
        @Schema(description = "Micro-F1 targets (each between 0 and 1) the learning-curve answer gives images per"
                + " class for; default: 95 % of the fitted plateau, and 0.9", examples = "[0.9, 0.95]")
        List<Double> targetF1) {

    /** A request without following the dataset, for the default targets. */
    public StudyRequest(String datasetPath, String preset, List<String> sizes, List<String> strategies, List<Long> seeds,
                        String backbone, Integer classLimit) {
        this(datasetPath, preset, sizes, strategies, seeds, backbone, classLimit, null, null);
    }
}
