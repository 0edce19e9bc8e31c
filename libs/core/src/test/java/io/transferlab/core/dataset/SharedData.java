package io.transferlab.core.dataset;

import java.nio.file.Files;
import java.nio.file.Path;

/** The read-only ../shared folder beside the checkout, when present (tests skip without it). */
public final class SharedData {

    private SharedData() {
    }

    /** The path under ../shared, or null when it is not there. */
    public static Path path(String relative) {
        String configured = System.getProperty("transferlab.shared");
        Path base = configured != null ? Path.of(configured) : Path.of("..", "shared");
        Path candidate = base.resolve(relative).toAbsolutePath().normalize();
        return Files.exists(candidate) ? candidate : null;
    }
}
