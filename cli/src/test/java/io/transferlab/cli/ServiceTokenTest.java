package io.transferlab.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commands that talk to the services send the token from --token-file as a bearer header, and a refusal says
 * what to do. Against a loopback HTTP server that answers like the gateway: 401 without the right token.
 */
class ServiceTokenTest {

    @TempDir
    Path dir;

    private HttpServer server;
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " " + auth);
            boolean ok = "Bearer good-token".equals(auth);
            byte[] body = (ok ? (exchange.getRequestMethod().equals("POST")
                    ? "{\"id\":\"s1\"}" : "{\"id\":\"s1\",\"state\":\"COMPLETE\",\"runs\":[],\"results\":[]}")
                    : "{\"error\":\"unauthorized\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(ok ? (exchange.getRequestMethod().equals("POST") ? 201 : 200) : 401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void submitSendsTheTokenFromItsFileWhileSubmittingAndFollowing() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "good-token\n");
        CliRun run = CliRun.of("submit", "--gateway", url(), "--dataset", "datasets/x", "--token-file", token.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(seen).containsExactly("POST /studies Bearer good-token", "GET /studies/s1 Bearer good-token");
    }

    @Test
    void aRefusalSaysWhatWasWrongWithTheCredentials() throws Exception {
        // none given (the test JVM has no TRANSFERLAB_TOKEN)
        CliRun anonymous = CliRun.of("submit", "--gateway", url(), "--dataset", "datasets/x");
        assertThat(anonymous.exit()).isEqualTo(2);
        assertThat(anonymous.err()).contains("(401)").contains("no token was sent").contains("--token-file");
        assertThat(seen.get(0)).endsWith(" null");

        CliRun wrong = CliRun.of("register", "--dataset-service", url(), "--path", "datasets/x",
                "--token-file", Files.writeString(dir.resolve("stale"), "old-token").toString());
        assertThat(wrong.exit()).isEqualTo(2);
        assertThat(wrong.err()).contains("HTTP 401").contains("the token was refused");

        CliRun empty = CliRun.of("submit", "--gateway", url(), "--dataset", "datasets/x",
                "--token-file", Files.writeString(dir.resolve("empty"), " ").toString());
        assertThat(empty.err()).contains("is empty");
    }
}
