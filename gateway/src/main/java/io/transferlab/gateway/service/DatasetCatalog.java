package io.transferlab.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.transferlab.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The registered datasets, asked of the dataset-service's own REST API (the gateway keeps no copy): what the study
 * form offers. Only what the form needs is passed on.
 */
@ApplicationScoped
public class DatasetCatalog {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A registered dataset: the path studies name, and what its current version holds. */
    public record RegisteredDataset(String id, String name, String path, String layout, String version, int classCount,
                                    int imageCount) {
    }

    /** The dataset-service could not be asked; the message names where and why. */
    public static final class UnavailableException extends RuntimeException {
        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Inject
    GatewayConfig config;

    private final HttpClient client = HttpClient.newBuilder().build();

    /** The registered datasets, asked with the caller's {@code Authorization} header (its bearer token). */
    public List<RegisteredDataset> registered(String authorization) {
        URI uri = URI.create(config.datasetServiceUrl().replaceAll("/+$", "") + "/datasets");
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(config.datasetServiceTimeout()).header("Accept", "application/json").GET();
            if (authorization != null && !authorization.isBlank()) {
                request.header("Authorization", authorization);
            }
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new UnavailableException("the dataset-service at " + uri + " answered " + response.statusCode(),
                        null);
            }
            List<RegisteredDataset> datasets = new ArrayList<>();
            for (JsonNode d : JSON.readTree(response.body())) {
                datasets.add(new RegisteredDataset(d.path("id").asText(), d.path("name").asText(null),
                        d.path("path").asText(), d.path("layout").asText(null), d.path("version").asText(null),
                        d.path("classCount").asInt(), d.path("imageCount").asInt()));
            }
            return List.copyOf(datasets);
        } catch (IOException e) {
            throw new UnavailableException("the dataset-service at " + uri + " did not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while asking " + uri, e);
        }
    }
}
