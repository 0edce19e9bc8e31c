package io.transferlab.cli;

import java.io.PrintWriter;
import java.time.Duration;

/** A one-line progress bar redrawn in place: label, bar, counts, a detail and the ETA. */
final class ProgressBar {

    private final PrintWriter out;
    private final String label;
    private final long start = System.nanoTime();

    ProgressBar(PrintWriter out, String label) {
        this.out = out;
        this.label = label;
    }

    void update(int done, int total, String detail) {
        int width = 24;
        int filled = total == 0 ? width : (int) Math.round(width * done / (double) total);
        double elapsed = (System.nanoTime() - start) / 1e9;
        String eta = done == 0 ? "?" : format(Duration.ofSeconds((long) (elapsed / done * (total - done))));
        out.printf("\r%-18s [%s%s] %d/%d %s ETA %s   ", label, "#".repeat(filled), ".".repeat(width - filled), done,
                total, detail, eta);
        out.flush();
    }

    void finish(String summary) {
        out.printf("\r%-18s %s (%s)%s%n", label, summary,
                format(Duration.ofNanos(System.nanoTime() - start)), " ".repeat(30));
        out.flush();
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
