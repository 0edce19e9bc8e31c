package io.transferlab.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A page rendered by headless Chromium (Debian's chromium package): its DOM after the scripts ran, and a screenshot. */
final class ReportPage {

    record Rendered(String dom, Path screenshot) {

        /** The markup inside the element with this id (up to the next chart or section). */
        String section(String id) {
            int start = dom.indexOf("id=\"" + id + "\"");
            if (start < 0) {
                throw new AssertionError("no element #" + id + " in the rendered page");
            }
            int end = dom.indexOf("</section>", start);
            return dom.substring(start, end < 0 ? dom.length() : end);
        }
    }

    private ReportPage() {
    }

    static Optional<Path> chromium() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Optional.of(Path.of(candidate));
            }
        }
        return Optional.empty();
    }

    /**
     * Renders a page signed in as a viewer, the way a sign-in link does it (the token in the URL's fragment, kept by
     * the page in its session); a URL that already has a fragment (even an empty one) is rendered as it is given.
     */
    static Rendered render(String url, Path screenshot) throws IOException, InterruptedException {
        if (!url.contains("#")) {
            url = url + "#token=" + io.transferlab.core.auth.TestTokens.token("report-viewer", "viewer");
        }
        Path browser = chromium().orElseThrow();
        Files.createDirectories(screenshot.getParent());
        Path profile = Files.createTempDirectory("chromium-profile");
        List<String> common = List.of(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--virtual-time-budget=15000",
                "--window-size=1200,2600");
        String dom = run(concat(common, "--dump-dom", url));
        run(concat(common, "--screenshot=" + screenshot, url));
        return new Rendered(dom, screenshot);
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new java.util.ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish: " + command);
        }
        return new String(out, java.nio.charset.StandardCharsets.UTF_8);
    }
}
