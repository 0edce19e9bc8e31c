package io.transferlab.dataset.mapping;

/** The answer to a rescan: whether the content changed, from which version, and the dataset now. */
public record ScanResult(boolean changed, String previousVersion, DatasetView dataset) {
}
