package io.transferlab.system;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Reads a Server-Sent Events stream in the background, keeping each event's data. */
final class ServerSentEvents {

    private final List<String> data = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<Void> ended;

    private ServerSentEvents(String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + io.transferlab.core.auth.TestTokens.token("sse-viewer", "viewer")).build();
        ended = HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenAccept(response -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException(url + " answered " + response.statusCode());
                    }
                    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = reader.readLine()) != null) {
                            if (line.startsWith("data:")) {
                                data.add(line.substring(5).trim());
                            }
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
    }

    static ServerSentEvents open(String url) {
        return new ServerSentEvents(url);
    }

    /** Waits for the server to end the stream; returns every event's data in order. */
    List<String> awaitEnd(Duration timeout) throws Exception {
        ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return List.copyOf(data);
    }
}
