package io.transferlab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's peak resident memory (Linux: {@code VmHWM} in /proc/self/status), over its whole life or since
 * the last {@link #resetPeak()}. Why: the bench and the study report the peak of each step, so a memory target
 * names the step that misses it.
 */
final class PeakMemory {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private PeakMemory() {
    }

    /** The peak resident set in MiB, or -1 where the system does not say. */
    static long peakMiB() {
        return field("VmHWM:");
    }

    /**
     * Starts a new peak from the current resident set (writing 5 to clear_refs, Linux 4.0+); returns false where
     * that is not possible, and the peak then stays the process's whole-life peak.
     */
    static boolean resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /**
     * Peaks step by step: {@link #end(String)} records the peak since the previous step ended (the first: since
     * the process started) and starts a new one. {@link #overallMiB()} is the largest of them, the process's peak.
     */
    static final class Steps {

        private final java.util.Map<String, Long> peaks = new java.util.LinkedHashMap<>();
        private long overall = -1;

        void end(String step) {
            long peak = peakMiB();
            peaks.merge(step, peak, Math::max);
            overall = Math.max(overall, peak);
            resetPeak();
        }

        java.util.Map<String, Long> peaks() {
            return java.util.Collections.unmodifiableMap(peaks);
        }

        long overallMiB() {
            return Math.max(overall, peakMiB());
        }
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
