package io.transferlab.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The four packaged services (target/quarkus-app of each module) started as separate processes on the real
 * broker and database, with their own ports, consumer groups, test databases and one shared storage root.
 */
final class RunningSystem implements AutoCloseable {

    static final Map<String, Integer> PORTS = new LinkedHashMap<>();

    static {
        PORTS.put("gateway", 18080);
        PORTS.put("dataset-service", 18081);
        PORTS.put("trainer-service", 18082);
        PORTS.put("evaluator-service", 18083);
    }

    private final List<Process> processes = new ArrayList<>();
    final Path storageRoot;

    private RunningSystem(Path storageRoot) {
        this.storageRoot = storageRoot;
    }

    static RunningSystem start(Path storageRoot, Path logDir) throws Exception {
        Path repo = Path.of(System.getProperty("transferlab.repo", ".."));
        Files.createDirectories(logDir);
        RunningSystem system = new RunningSystem(storageRoot);
        Runtime.getRuntime().addShutdownHook(new Thread(system::close));
        String pg = "jdbc:postgresql://" + env("TRANSFERLAB_PG_HOST", "127.0.0.1") + ":" + env("TRANSFERLAB_PG_PORT", "55432");
        for (Map.Entry<String, Integer> service : PORTS.entrySet()) {
            String name = service.getKey();
            Path jar = repo.resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: build the services first (./mvnw verify)");
            }
            String database = "transferlab_" + name.replace("-service", "") + "_test";
            ProcessBuilder builder = new ProcessBuilder("java", "-Xmx512m",
                    "-Dquarkus.http.port=" + service.getValue(),
                    "-Dtransferlab.storage.root=" + storageRoot,
                    "-Dquarkus.datasource.jdbc.url=" + pg + "/" + database,
                    "-Dmp.messaging.connector.smallrye-kafka.group.id=" + name + "-system-test",
                    "-Dai.djl.offline=true",
                    "-jar", jar.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(logDir.resolve(name + ".log").toFile());
            system.processes.add(builder.start());
        }
        for (Map.Entry<String, Integer> service : PORTS.entrySet()) {
            system.awaitReady(service.getKey(), service.getValue(), logDir);
        }
        return system;
    }

    static String url(String service) {
        return "http://127.0.0.1:" + PORTS.get(service);
    }

    private void awaitReady(String name, int port, Path logDir) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (processes.stream().anyMatch(p -> !p.isAlive())) {
                break;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(name + " did not become ready; its log:\n" + tail(logDir.resolve(name + ".log")));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    @Override
    public void close() {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
    }
}
