package io.transferlab.dataset.mapping;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What a user posts to register a dataset. */
@Schema(description = "A dataset folder to register")
public record DatasetRegistration(
        @Schema(description = "The folder, relative to the storage root (ImageFolder or Oxford-102 layout)",
                examples = "datasets/flowers102", required = true)
        @NotBlank(message = "is required (a dataset folder under the storage root)") @Size(max = 400)
        String path,
        @Schema(description = "A name for people; default the folder's name")
        @Size(min = 1, max = 200)
        String name) {
}
