package io.transferlab.trainer.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads per-size epoch caps written as {@code size=epochs,size=epochs}. */
public final class EpochCaps {

    private EpochCaps() {
    }

    public static Map<String, Integer> parse(String text) {
        Map<String, Integer> caps = new LinkedHashMap<>();
        for (String entry : text.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] pair = entry.split("=", 2);
            if (pair.length != 2 || pair[0].isBlank()) {
                throw new IllegalArgumentException("epoch cap '" + entry.trim() + "' is not size=epochs (e.g. large=6)");
            }
            int epochs;
            try {
                epochs = Integer.parseInt(pair[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("epoch cap '" + entry.trim() + "': '" + pair[1].trim() + "' is not a number");
            }
            if (epochs < 1) {
                throw new IllegalArgumentException("epoch cap '" + entry.trim() + "': epochs must be at least 1");
            }
            caps.put(pair[0].trim(), epochs);
        }
        return caps;
    }
}
