package io.transferlab.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = "Download Oxford 102 Flowers from its official site into a folder (Oxford-102 layout), "
                + "checking the published checksums; an interrupted download resumes.")
final class FetchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dest", description = "Where the dataset goes (default: ${DEFAULT-VALUE}).",
            defaultValue = "${sys:user.home}/.cache/transferlab/datasets/flowers102")
    Path dest;

    @Option(names = "--url", description = "Where the files are (default: $TRANSFERLAB_FLOWERS_URL, else the official "
            + "site, https://www.robots.ox.ac.uk/~vgg/data/flowers/102/).")
    URI url;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        URI base = url != null ? url : System.getenv("TRANSFERLAB_FLOWERS_URL") != null
                ? URI.create(System.getenv("TRANSFERLAB_FLOWERS_URL")) : DatasetDownload.FLOWERS_102.baseUrl();
        if (!base.toString().endsWith("/")) {
            base = URI.create(base + "/");
        }
        DatasetDownload download = new DatasetDownload(new DatasetDownload.Progress() {
            private ProgressBar bar;
            private String file;

            @Override
            public void transferred(String name, long bytes, long total) {
                if (!name.equals(file)) {
                    file = name;
                    bar = new ProgressBar(err, name);
                }
                if (total > 0) {
                    bar.update((int) (bytes / 1024), (int) (total / 1024), "KiB");
                }
            }

            @Override
            public void note(String message) {
                if (bar != null) {
                    err.println();
                    bar = null;
                    file = null;
                }
                err.println(message);
                err.flush();
            }
        });
        Path folder = download.fetch(DatasetDownload.FLOWERS_102, base, dest.toAbsolutePath());
        spec.commandLine().getOut().printf(Locale.ROOT, "%s%n", folder);
        return 0;
    }
}
