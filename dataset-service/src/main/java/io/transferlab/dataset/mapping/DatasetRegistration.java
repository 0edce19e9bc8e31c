package io.transferlab.dataset.mapping;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What a user posts to register a dataset. */
@Schema(description = "A dataset folder to register")
public record DatasetRegistration(
        @Schema(description = "The folder, relative to the storage root (ImageFolder or Oxford-102 layout)",
                examples = "datasets/flowers102", required = true)
        String path,
        @Schema(description = "A name for people; default the folder's name")
        String name) {
}
