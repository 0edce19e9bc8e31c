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

    /**
     * Small and quick, but the real network and weights: images at 64×64 (the last unit sees 2×2), few
     * feature-extraction epochs, and enough fine-tuning epochs to stop the trainer in the middle of one.
     */
    static final List<String> TRAINING_SETTINGS = List.of("-Dtransferlab.trainer.image-size=64",
            "-Dtransferlab.trainer.feature-extraction-epochs=4", "-Dtransferlab.trainer.fine-tuning-epochs=15",
            "-Dtransferlab.trainer.poll-interval=200ms", "-Dtransferlab.evaluator.poll-interval=200ms",
            // a killed worker's job is taken again after 6 s, not the 60 s default
            "-Dtransferlab.queue.lease=6s", "-Dtransferlab.queue.heartbeat=1s");

    private final Map<String, Process> processes = new LinkedHashMap<>();
    /** Ports of the replicas started by {@link #startReplica}, by instance name. */
    private static final Map<String, Integer> replicaPorts = new java.util.concurrent.ConcurrentHashMap<>();
    final Path storageRoot;
    private final Path repo;
    private final Path logDir;
    private final Path weights;

    private RunningSystem(Path storageRoot, Path repo, Path logDir, Path weights) {
        this.storageRoot = storageRoot;
        this.repo = repo;
        this.logDir = logDir;
        this.weights = weights;
    }

    static RunningSystem start(Path storageRoot, Path logDir, Path weights) throws Exception {
        Path repo = Path.of(System.getProperty("transferlab.repo", ".."));
        Files.createDirectories(logDir);
        RunningSystem system = new RunningSystem(storageRoot, repo, logDir, weights);
        // the tests call the API as a signed-in admin unless they send their own token (StudyFlowIT's auth test)
        io.restassured.RestAssured.filters(io.transferlab.platform.testing.SignedInAsAdmin.filter());
        Runtime.getRuntime().addShutdownHook(new Thread(system::close));
        for (String name : PORTS.keySet()) {
            system.launch(name);
        }
        for (Map.Entry<String, Integer> service : PORTS.entrySet()) {
            system.awaitReady(service.getKey(), service.getValue(), logDir);
        }
        return system;
    }

    private void launch(String name) throws IOException {
        launch(name, name, PORTS.get(name));
    }

    /**
     * Starts another instance of a service (its own port and log, the same database, consumer group and storage
     * root as the first): replicas side by side, as a scaled-out deployment runs them.
     */
    void startReplica(String service, String instance, int port) throws Exception {
        launch(service, instance, port);
        replicaPorts.put(instance, port);
        awaitReady(instance, port, logDir);
    }

    /** The operating-system process id of an instance (a service's name for its first instance). */
    long pid(String instance) {
        return processes.get(instance).pid();
    }

    boolean alive(String instance) {
        Process process = processes.get(instance);
        return process != null && process.isAlive();
    }

    private void launch(String name, String instance, int port) throws IOException {
        Path jar = repo.resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the services first (./mvnw verify)");
        }
        String database = "transferlab_" + name.replace("-service", "") + "_test";
        List<String> command = new ArrayList<>(List.of("java", "-Xmx768m", "--add-modules", "jdk.incubator.vector",
                "-Dquarkus.http.port=" + port,
                "-Dtransferlab.storage.root=" + storageRoot,
                "-Dquarkus.datasource.jdbc.url=" + pgUrl(database),
                "-Dmp.messaging.connector.smallrye-kafka.group.id=" + name + "-system-test",
                "-Dai.djl.offline=true",
                "-Dtransferlab.trainer.weights-dir=" + weights,
                "-Dtransferlab.evaluator.weights-dir=" + weights,
                "-Dtransferlab.gateway.dataset-service-url=http://127.0.0.1:" + PORTS.get("dataset-service")));
        if (name.equals("gateway") || name.equals("dataset-service")) {
            // they verify bearer tokens against the public key of the tests' key pair (TestTokens)
            command.add("-Dquarkus.oidc.public-key=" + io.transferlab.core.auth.TestTokens.publicKey());
        }
        command.addAll(TRAINING_SETTINGS);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve(instance + ".log").toFile()));
        processes.put(instance, builder.start());
    }

    /** Kills a service the hard way (SIGKILL, as a crash or an evicted pod) and starts it again. */
    void crashAndRestart(String name) throws Exception {
        Process process = processes.get(name);
        process.destroyForcibly();
        process.waitFor();
        if (PORTS.containsKey(name)) {
            launch(name);
            awaitReady(name, PORTS.get(name), logDir);
        } else {
            String service = name.replaceAll("-\\d+$", "");
            launch(service, name, replicaPorts.get(name));
            awaitReady(name, replicaPorts.get(name), logDir);
        }
    }

    Path log(String name) {
        return logDir.resolve(name + ".log");
    }

    static String url(String instance) {
        return "http://127.0.0.1:" + (PORTS.containsKey(instance) ? PORTS.get(instance) : replicaPorts.get(instance));
    }

    /** The consumer group of a service's channels (for {@code KafkaTestClient.awaitConsumed}). */
    static String consumerGroup(String service) {
        return service.replaceAll("-\\d+$", "") + "-system-test";
    }

    /**
     * Waits until a service's outbox has nothing left to relay (its health check's {@code pending} is 0): every
     * event it published before this call is on the broker.
     */
    static void awaitOutboxRelayed(String service, Duration timeout) {
        org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() ->
                io.restassured.RestAssured.given().baseUri(url(service)).get("/q/health").then().extract().jsonPath()
                        .getInt("checks.find { it.name == 'outbox' }.data.pending") == 0);
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
            if (processes.values().stream().anyMatch(p -> !p.isAlive())) {
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

    /** The JDBC address of a database on the PostgreSQL that deploy/local/infra.sh started. */
    static String pgUrl(String database) {
        return "jdbc:postgresql://" + env("TRANSFERLAB_PG_HOST", "127.0.0.1") + ":" + env("TRANSFERLAB_PG_PORT", "55432")
                + "/" + database;
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    @Override
    public void close() {
        for (Process process : processes.values()) {
            process.destroy();
        }
        for (Process process : processes.values()) {
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
