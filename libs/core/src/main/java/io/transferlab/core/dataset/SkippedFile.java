package io.transferlab.core.dataset;

/** A file of the dataset left out, and why (so users can fix their data). */
public record SkippedFile(String path, String reason) {
}
