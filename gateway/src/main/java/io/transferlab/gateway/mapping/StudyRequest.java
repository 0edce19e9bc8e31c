package io.transferlab.gateway.mapping;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * What a user posts to start a study; everything but the dataset has a default. The constraints bound every list
 * (a study is at most 16 sizes × 10 seeds of runs) and refuse empty elements before any service code runs.
 */
@Schema(description = "A study request")
public record StudyRequest(
        @Schema(description = "Dataset folder, relative to the storage root", examples = "datasets/flowers102", required = true)
        @NotBlank(message = "is required (a folder under the storage root)") @Size(max = 400)
        String datasetPath,
        @Schema(description = "Preset of training sizes", defaultValue = "seed-2020")
        @Size(min = 1, max = 64)
        String preset,
        @Schema(description = "Training sizes of the preset; default all of them", examples = "[\"large\",\"medium\",\"small\"]")
        @Size(min = 1, max = 16)
        List<@NotBlank @Size(max = 64) String> sizes,
        @Schema(description = "Strategies to run on each training set", defaultValue = "[\"fe\",\"ft\"]")
        @Size(min = 1, max = 10)
        List<@NotBlank @Size(max = 32) String> strategies,
        @Schema(description = "Split seeds: one training set per size and seed; default 42, and for the"
                + " learning-curve preset 42, 43, 44 (its answer is a fit through the seeds' means)")
        @Size(min = 1, max = 10)
        List<@NotNull @PositiveOrZero Long> seeds,
        @Schema(description = "ImageNet backbone", defaultValue = "resnet50")
        @Size(min = 1, max = 64)
        String backbone,
        @Schema(description = "Keep only the first N classes (quick runs)")
        @Min(value = 2, message = "must be at least 2") @Max(100_000)
        Integer classLimit,
        @Schema(description = "Rerun the study when the dataset-service finds a new content version of the dataset",
                defaultValue = "false")
        Boolean rerunOnChange,
        @Schema(description = "Micro-F1 targets (each between 0 and 1) the learning-curve answer gives images per"
                + " class for; default: 95 % of the fitted plateau, and 0.9", examples = "[0.9, 0.95]")
        @Size(max = 8)
        List<@NotNull @DecimalMin(value = "0", inclusive = false, message = "values must be between 0 and 1 (exclusive)")
                @DecimalMax(value = "1", inclusive = false, message = "values must be between 0 and 1 (exclusive)") Double> targetF1) {

    /** A request without following the dataset, for the default targets. */
    public StudyRequest(String datasetPath, String preset, List<String> sizes, List<String> strategies, List<Long> seeds,
                        String backbone, Integer classLimit) {
        this(datasetPath, preset, sizes, strategies, seeds, backbone, classLimit, null, null);
    }
}
