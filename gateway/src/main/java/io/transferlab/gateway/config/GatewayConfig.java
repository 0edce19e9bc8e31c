package io.transferlab.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The gateway's own settings (environment: TRANSFERLAB_GATEWAY_…). */
@ConfigMapping(prefix = "transferlab.gateway")
public interface GatewayConfig {

    /** The dataset-service's REST API, asked for the registered datasets the study form offers. */
    @WithDefault("http://127.0.0.1:8081")
    String datasetServiceUrl();

    /** How long the dataset-service may take to answer before the form says it is unreachable. */
    @WithDefault("5s")
    Duration datasetServiceTimeout();
}
