package io.transferlab.platform.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One HTTP call sent with exactly the credentials given (a bearer token, or none): what the authorization tests need,
 * where RestAssured would add {@link SignedInAsAdmin}'s token to a request that names none.
 */
public final class BearerCalls {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private BearerCalls() {
    }

    /** {@code method url} with a JSON {@code body} (or none) and {@code Authorization: Bearer token} unless null. */
    public static HttpResponse<String> send(String method, String url, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
