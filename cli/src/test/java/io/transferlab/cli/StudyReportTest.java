package io.transferlab.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The report's figures from known numbers: Figure 7 (decreases side by side) and Figure 8 (augmentation's gain). */
class StudyReportTest {

    @TempDir
    Path dir;

    private static StudyReport.RunResult run(String size, String strategy, int train, double f1) {
        return new StudyReport.RunResult(size, strategy, train, 10, 100, f1, f1, 0.99, 5, 5, false, 1.0,
                strategy.endsWith("-aug") ? "views" : "none", "best-validation-loss", "checkpoints/x.json", 42L,
                null, null, null);
    }

    private static StudyReport.Study study(List<StudyReport.RunResult> runs) {
        return new StudyReport.Study("data", "v1", "image-folder", 10, "seed-2020", 42, "resnet50", "0".repeat(64),
                "cpu", 0, 10, 5, null, runs, null);
    }

    @Test
    void decreasesAndGainsAreTabledAndDrawn() throws Exception {
        List<StudyReport.RunResult> runs = new ArrayList<>(List.of(
                run("large", "fe", 1000, 0.90), run("small", "fe", 250, 0.72),
                run("large", "fe-aug", 1000, 0.92), run("small", "fe-aug", 250, 0.81)));
        List<String> sizes = List.of("large", "small");
        List<String> strategies = List.of("fe", "fe-aug");
        StudyReport.write(dir, study(runs), sizes, strategies, List.of());

        String report = Files.readString(dir.resolve("report.md"));
        // 75 % of the training images lost; fe lost (0.90 − 0.72)/0.90 = 20 %, fe-aug (0.92 − 0.81)/0.92 = 12 %
        assertThat(report).contains("| fe | small | 75.0 % | 20.0 % |").contains("| fe-aug | small | 75.0 % | 12.0 % |")
                .contains("(decrease.svg)");
        // fe-aug against fe: +2.2 % on large, +12.5 % on small
        assertThat(report).contains("| small | fe | 0.7200 | 0.8100 | +12.5 % |").contains("(augmentation.svg)");
        String decrease = Files.readString(dir.resolve("decrease.svg"));
        assertThat(decrease).startsWith("<svg").contains("<title>small training images: 75.0</title>")
                .contains("<title>small F1 fe: 20.0</title>").contains("<title>small F1 fe-aug: 12.0</title>");
        String gain = Files.readString(dir.resolve("augmentation.svg"));
        assertThat(gain).contains("<title>large fe-aug vs fe: +2.2</title>").contains("<title>small fe-aug vs fe: +12.5</title>");

        // a lone size has no decrease and a study without augmented runs no gain: their figures go away
        StudyReport.write(dir, study(List.of(run("large", "fe", 1000, 0.9))), List.of("large"), List.of("fe"), List.of());
        assertThat(dir.resolve("decrease.svg")).doesNotExist();
        assertThat(dir.resolve("augmentation.svg")).doesNotExist();
        assertThat(Files.readString(dir.resolve("report.md"))).doesNotContain("decrease.svg").doesNotContain("Gain from");
    }

    @Test
    void aLossBelowZeroHangsFromTheAxis() {
        String svg = StudyReport.gainChart(List.of(new StudyReport.Gain("large", "ft", 0.95, 0.94),
                new StudyReport.Gain("small", "ft", 0.80, 0.84)));
        assertThat(svg).contains("<title>large ft-aug vs ft: -1.1</title>").contains("<title>small ft-aug vs ft: +5.0</title>");
        // both bars start at the zero line: the loss's top edge is where the gain's bottom edge is
        java.util.regex.Matcher bars = java.util.regex.Pattern.compile(
                "<rect x=\"[0-9.]+\" y=\"([0-9.]+)\" width=\"[0-9.]+\" height=\"([0-9.]+)\"[^>]*><title>").matcher(svg);
        assertThat(bars.find()).isTrue();
        double lossTop = Double.parseDouble(bars.group(1));
        assertThat(bars.find()).isTrue();
        double gainBottom = Double.parseDouble(bars.group(1)) + Double.parseDouble(bars.group(2));
        assertThat(lossTop).isCloseTo(gainBottom, org.assertj.core.data.Offset.offset(0.11));
        assertThat(lossTop).isGreaterThan(30).isLessThan(300);
    }
}
