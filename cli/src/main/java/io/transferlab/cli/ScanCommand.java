package io.transferlab.cli;

import io.transferlab.core.dataset.DatasetIndex;
import io.transferlab.core.dataset.DatasetScanner;
import io.transferlab.core.dataset.SkippedFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

@Command(name = "scan", mixinStandardHelpOptions = true,
        description = "Read a dataset (ImageFolder or Oxford-102 layout): classes, images per class, unreadable files.")
final class ScanCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "The dataset folder.")
    Path data;

    @Option(names = "--classes", description = "Keep only the first N classes.")
    Integer classes;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        DatasetIndex index = DatasetScanner.scan(data);
        if (classes != null) {
            index = index.firstClasses(classes);
        }
        int[] counts = index.countsPerClass();
        out.printf("%s: %s layout, %d classes, %d images (%d to %d per class), version %s%n", data, index.layout(),
                index.classes().size(), index.images().size(), Arrays.stream(counts).min().orElse(0),
                Arrays.stream(counts).max().orElse(0), index.contentVersion());
        out.printf("%-40s %8s%n", "class", "images");
        for (int c = 0; c < counts.length; c++) {
            out.printf("%-40s %8d%n", index.classes().get(c), counts[c]);
        }
        if (!index.skipped().isEmpty()) {
            out.printf("%d file(s) left out:%n", index.skipped().size());
            for (SkippedFile skipped : index.skipped()) {
                out.printf("  %s: %s%n", skipped.path(), skipped.reason());
            }
        }
        return 0;
    }
}
