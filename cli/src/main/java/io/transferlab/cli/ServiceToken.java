package io.transferlab.cli;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bearer token the commands that talk to the services send (the gateway and the dataset-service ask for one):
 * read from {@code --token-file}, else from the environment variable {@code TRANSFERLAB_TOKEN}. Never an option
 * holding the token itself, which would show in the process list. Without one, requests go out anonymous and a 401
 * says how to get one.
 */
public final class ServiceToken {

    static final String ENV = "TRANSFERLAB_TOKEN";

    @Option(names = "--token-file", description = "A file holding the bearer token to send (default: the token in $"
            + ENV + "; deploy/local/auth.sh token ROLE makes one).")
    Path tokenFile;

    /** The token, or null when none was given. */
    String token() {
        if (tokenFile != null) {
            try {
                String token = Files.readString(tokenFile).trim();
                if (token.isEmpty()) {
                    throw new IllegalArgumentException("the token file " + tokenFile + " is empty");
                }
                return token;
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the token file " + tokenFile + ": " + e.getMessage());
            }
        }
        String env = System.getenv(ENV);
        return env == null || env.isBlank() ? null : env.trim();
    }

    /** The request with {@code Authorization: Bearer …} when there is a token. */
    HttpRequest.Builder authorize(HttpRequest.Builder request) {
        String token = token();
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    /** For a 401 or 403: what was wrong with the credentials and what to do; else an empty string. */
    String explain(HttpResponse<?> response) {
        if (response.statusCode() == 401) {
            return token() == null
                    ? " (no token was sent: give --token-file FILE or set " + ENV + "; deploy/local/auth.sh token researcher prints one)"
                    : " (the token was refused: expired, or not issued for this service)";
        }
        if (response.statusCode() == 403) {
            return " (the token's roles do not allow this: it needs researcher or admin)";
        }
        return "";
    }
}
