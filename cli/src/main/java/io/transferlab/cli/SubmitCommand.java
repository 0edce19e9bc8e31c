package io.transferlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Post a study to a running gateway and follow it in the terminal until it reaches a state.")
final class SubmitCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ORDER = List.of("REQUESTED", "SPLITTING", "TRAINING", "EVALUATING", "COMPLETE");

    @Spec
    CommandSpec spec;

    @Option(names = "--gateway", defaultValue = "http://127.0.0.1:8080", description = "Gateway URL (default: ${DEFAULT-VALUE}).")
    URI gateway;

    @Option(names = "--dataset", required = true, description = "Dataset folder, relative to the storage root.")
    String dataset;

    @Option(names = "--preset", defaultValue = "seed-2020", description = "Preset (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--sizes", split = ",", description = "Training sizes (default: all of the preset).")
    List<String> sizes;

    @Option(names = "--strategies", split = ",", defaultValue = "fe,ft", description = "Strategies (default: ${DEFAULT-VALUE}).")
    List<String> strategies;

    @Option(names = "--seeds", split = ",",
            description = "Split seeds (default: the gateway's for the preset: 42, or 42,43,44 for learning-curve).")
    List<Long> seeds;

    @Option(names = "--classes", description = "Keep only the first N classes.")
    Integer classes;

    @Option(names = "--rerun-on-change", description = "Rerun the study when its dataset gets a new content version.")
    boolean rerunOnChange;

    @Option(names = "--until", defaultValue = "COMPLETE",
            description = "Follow until the study reaches this state: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Until until;

    @picocli.CommandLine.Mixin
    ServiceToken auth;

    @Option(names = "--timeout", defaultValue = "PT6H", description = "Give up following after this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    enum Until { SPLITTING, TRAINING, EVALUATING, COMPLETE }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        ObjectNode body = JSON.createObjectNode().put("datasetPath", dataset).put("preset", preset);
        if (sizes != null) {
            sizes.forEach(body.putArray("sizes")::add);
        }
        strategies.forEach(body.putArray("strategies")::add);
        if (seeds != null) {
            // without --seeds the gateway applies the preset's default (three seeds for a learning curve)
            seeds.forEach(body.putArray("seeds")::add);
        }
        if (classes != null) {
            body.put("classLimit", classes);
        }
        body.put("rerunOnChange", rerunOnChange);
        HttpResponse<String> created = http.send(auth.authorize(HttpRequest.newBuilder(gateway.resolve("/studies")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalArgumentException("the gateway refused the study (" + created.statusCode() + "): "
                    + created.body() + auth.explain(created));
        }
        String id = JSON.readTree(created.body()).path("id").asText();
        out.printf("study %s submitted: %s, preset %s, strategies %s%n", id, dataset, preset, strategies);
        out.flush();
        return follow(http, id, out);
    }

    private int follow(HttpClient http, String id, PrintWriter out) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = http.send(auth.authorize(HttpRequest.newBuilder(gateway.resolve("/studies/" + id)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("the gateway stopped answering about study " + id + " (HTTP "
                        + answer.statusCode() + ")" + auth.explain(answer) + "; it goes on: follow it with GET /studies/" + id);
            }
            JsonNode study = JSON.readTree(answer.body());
            String state = study.path("state").asText();
            String line = summary(study);
            if (!line.equals(last)) {
                out.printf("[%s] %s%n", LocalTime.now().truncatedTo(ChronoUnit.SECONDS), line);
                out.flush();
                last = line;
            }
            if (state.equals("FAILED")) {
                out.printf("study %s failed: %s%n", id, study.path("failureReason").asText());
                printRuns(study, out);
                printResults(study, out);
                return 1;
            }
            if (ORDER.indexOf(state) >= ORDER.indexOf(until.name())) {
                printRuns(study, out);
                printResults(study, out);
                out.printf("study %s reached %s%n", id, state);
                return 0;
            }
            Thread.sleep(1000);
        }
        out.printf("gave up following study %s after %s%n", id, timeout);
        return 3;
    }

    /** One line about where a study is: its state, its training sets and results, what is still running. */
    static String summary(JsonNode study) {
        StringBuilder line = new StringBuilder(study.path("state").asText());
        JsonNode results = study.path("results");
        long complete = 0;
        for (JsonNode result : results) {
            complete += result.path("state").asText().equals("COMPLETE") ? 1 : 0;
        }
        line.append(" — ").append(study.path("runs").size()).append('/').append(study.path("expectedRuns").asInt())
                .append(" training set(s), ").append(complete).append('/').append(results.size()).append(" result(s)");
        if (results.isEmpty()) {
            for (JsonNode run : study.path("runs")) {
                line.append(" | ").append(run.path("splitName").asText("?")).append(": ").append(run.path("state").asText());
            }
        }
        for (JsonNode result : results) {
            String state = result.path("state").asText();
            if (!state.equals("COMPLETE")) {
                line.append(" | ").append(result.path("size").asText()).append(' ').append(result.path("strategy").asText())
                        .append(": ").append(state.toLowerCase(Locale.ROOT));
                if (state.equals("TRAINING") && result.path("message").isTextual()) {
                    line.append(" (").append(result.path("message").asText()).append(')'); // a trial before the run
                } else if (state.equals("TRAINING") && result.path("maxEpochs").asInt() > 0) {
                    line.append(" epoch ").append(result.path("epoch").asInt()).append('/')
                            .append(result.path("maxEpochs").asInt());
                    if (result.path("valAccuracy").isNumber()) {
                        line.append(String.format(Locale.ROOT, " (val acc %.3f)", result.path("valAccuracy").asDouble()));
                    }
                }
            }
        }
        return line.toString();
    }

    /** The results table as the gateway keeps it, and where its report page is. */
    private void printResults(JsonNode study, PrintWriter out) {
        JsonNode results = study.path("results");
        if (results.isEmpty()) {
            return;
        }
        out.printf("%n%-8s %6s %-7s %-10s %7s %7s %9s %9s %14s %-6s%n", "size", "seed", "strategy", "state", "train", "test",
                "micro-F1", "macro-F1", "epochs (best)", "aug");
        for (JsonNode r : results) {
            out.printf("%-8s %6s %-7s %-10s %7s %7s %9s %9s %14s %-6s%n", r.path("size").asText(), r.path("seed").asText(),
                    r.path("strategy").asText(), r.path("state").asText(), r.path("trainImages").asText(),
                    r.path("testImages").asText(), number(r.path("microF1")), number(r.path("macroF1")),
                    r.path("epochs").isNull() ? "" : r.path("epochs").asText() + " (" + r.path("bestEpoch").asText() + ")",
                    r.path("augmentationMode").asText(""));
        }
        out.printf("%nreport page: %s%n", gateway.resolve("/studies/" + study.path("id").asText() + "/report"));
        out.flush();
    }

    private static String number(JsonNode value) {
        return value.isNumber() ? String.format(Locale.ROOT, "%.4f", value.asDouble()) : "";
    }

    private static void printRuns(JsonNode study, PrintWriter out) {
        out.printf("%-8s %6s %7s %7s %7s %8s  %-10s %s%n", "size", "seed", "train", "val", "test", "classes", "state", "message");
        for (JsonNode run : study.path("runs")) {
            out.printf("%-8s %6s %7s %7s %7s %8s  %-10s %s%n", run.path("splitName").asText("?"), run.path("seed").asText(),
                    run.path("trainSize").asText(), run.path("valSize").asText(), run.path("testSize").asText(),
                    run.path("classCount").asText(), run.path("state").asText(),
                    run.path("message").isNull() ? "" : run.path("message").asText());
        }
        out.flush();
    }
}
