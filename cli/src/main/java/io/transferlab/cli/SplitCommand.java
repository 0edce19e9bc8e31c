package io.transferlab.cli;

import io.transferlab.core.dataset.DatasetIndex;
import io.transferlab.core.dataset.DatasetScanner;
import io.transferlab.core.split.DatasetSplit;
import io.transferlab.core.split.SplitManifest;
import io.transferlab.core.split.StratifiedSplitter;
import io.transferlab.core.split.StudyPreset;
import io.transferlab.core.split.TrainingSize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "split", mixinStandardHelpOptions = true,
        description = "Compute a preset's stratified train/validation/test splits of a dataset, print them, and"
                + " optionally write their manifests.")
final class SplitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "The dataset folder.")
    Path data;

    @Option(names = "--preset", defaultValue = "seed-2020", description = "Preset of training sizes (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--sizes", split = ",", description = "Sizes of the preset (default: all).")
    List<String> sizes;

    @Option(names = "--seed", defaultValue = "42", description = "Split seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--classes", description = "Keep only the first N classes.")
    Integer classes;

    @Option(names = "--out", description = "Write one manifest per size into this folder.")
    Path out;

    @Override
    public Integer call() throws IOException {
        PrintWriter console = spec.commandLine().getOut();
        StudyPreset studyPreset = StudyPreset.named(preset);
        DatasetIndex index = DatasetScanner.scan(data);
        if (classes != null) {
            index = index.firstClasses(classes);
        }
        console.printf("%s: %d classes, %d images, %d left out, version %s; preset %s, seed %d%n", data,
                index.classes().size(), index.images().size(), index.skipped().size(), index.contentVersion(),
                studyPreset.name(), seed);
        console.printf("%-8s %7s %7s %7s %12s%n", "size", "train", "val", "test", "train/class");
        for (String sizeName : sizes == null ? studyPreset.sizeNames() : sizes) {
            TrainingSize size = studyPreset.size(sizeName);
            DatasetSplit split = StratifiedSplitter.split(index, size, seed);
            console.printf("%-8s %7d %7d %7d %12.1f%n", sizeName, split.train().size(), split.val().size(),
                    split.test().size(), split.train().size() / (double) index.classes().size());
            if (out != null) {
                Files.createDirectories(out);
                String runId = sizeName + "-seed" + seed;
                SplitManifest manifest = new SplitManifest(SplitManifest.SCHEMA_VERSION, "cli", runId,
                        data.toAbsolutePath().toString(), data.toAbsolutePath().toString(), index.layout(),
                        index.contentVersion(), studyPreset.name(), sizeName, seed, index.classes(), split.train(),
                        split.val(), split.test(), index.skipped());
                Files.write(out.resolve(runId + ".json"), manifest.toJson());
            }
        }
        return 0;
    }
}
