package io.transferlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.concurrent.Callable;

@Command(name = "register", mixinStandardHelpOptions = true,
        description = "Register a dataset folder at a running dataset-service (or rescan it when it is registered): "
                + "images per class, unreadable files, content version.")
final class RegisterCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--dataset-service", defaultValue = "http://127.0.0.1:8081",
            description = "dataset-service URL (default: ${DEFAULT-VALUE}).")
    URI service;

    @picocli.CommandLine.Mixin
    ServiceToken auth;

    @Option(names = "--path", required = true, description = "Dataset folder, relative to the storage root.")
    String path;

    @Option(names = "--name", description = "A name for people (default: the folder's name).")
    String name;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        var body = JSON.createObjectNode().put("path", path);
        if (name != null) {
            body.put("name", name);
        }
        HttpResponse<String> created = post("/datasets", body.toString());
        JsonNode dataset;
        if (created.statusCode() == 201) {
            dataset = JSON.readTree(created.body());
            out.printf("dataset %s registered%n", dataset.path("id").asText());
        } else if (created.statusCode() == 409) {
            String id = registeredId();
            JsonNode scan = JSON.readTree(answer(post("/datasets/" + id + "/scan", ""), 200, "rescan " + id));
            dataset = scan.path("dataset");
            out.printf("dataset %s rescanned: %s%n", id, scan.path("changed").asBoolean()
                    ? "new version " + dataset.path("version").asText() + " (was " + scan.path("previousVersion").asText() + ")"
                    : "unchanged");
        } else {
            throw new IllegalArgumentException(answer(created, 201, "register " + path));
        }
        out.println(describe(dataset));
        return 0;
    }

    /** One line and the unreadable files (at most 20). */
    static String describe(JsonNode dataset) {
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (JsonNode c : dataset.path("classes")) {
            min = Math.min(min, c.path("images").asInt());
            max = Math.max(max, c.path("images").asInt());
        }
        StringBuilder text = new StringBuilder(String.format("%s: %s layout, %d classes, %d images (%d to %d per class), "
                        + "%d unreadable, version %s", dataset.path("path").asText(), dataset.path("layout").asText(),
                dataset.path("classCount").asInt(), dataset.path("imageCount").asInt(), min == Integer.MAX_VALUE ? 0 : min,
                max, dataset.path("unreadableCount").asInt(), dataset.path("version").asText()));
        int shown = 0;
        for (JsonNode file : dataset.path("unreadable")) {
            if (shown++ == 20) {
                text.append("\n  …");
                break;
            }
            text.append("\n  left out ").append(file.path("path").asText()).append(": ").append(file.path("reason").asText());
        }
        return text.toString();
    }

    private String registeredId() throws IOException, InterruptedException {
        HttpResponse<String> all = http.send(auth.authorize(HttpRequest.newBuilder(service.resolve("/datasets"))).build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode d : JSON.readTree(answer(all, 200, "list datasets"))) {
            if (d.path("path").asText().equals(path.replaceAll("/+$", ""))) {
                return d.path("id").asText();
            }
        }
        throw new IllegalStateException("the dataset-service says " + path + " is registered but does not list it");
    }

    private HttpResponse<String> post(String resource, String json) throws IOException, InterruptedException {
        return http.send(auth.authorize(HttpRequest.newBuilder(service.resolve(resource))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String answer(HttpResponse<String> response, int expected, String what) {
        if (response.statusCode() != expected) {
            String reason = response.body();
            try {
                reason = JSON.readTree(response.body()).path("error").asText(reason);
            } catch (IOException ignored) {
                // not JSON: the body as it is
            }
            throw new IllegalArgumentException("the dataset-service could not " + what + " (HTTP " + response.statusCode()
                    + "): " + reason + auth.explain(response));
        }
        return response.body();
    }
}
