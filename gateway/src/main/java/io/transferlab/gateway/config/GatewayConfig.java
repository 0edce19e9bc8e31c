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

    /**
     * How long an unfinished study may go without any event before it is marked stalled (the reason names what it
     * waits for). Longer than the slowest epoch the trainer reports: progress arrives once an epoch.
     */
    @WithDefault("30m")
    Duration stallAfter();

    /** The longest a client's live-progress stream (SSE) stays open; it ends then, and the client may reconnect. */
    @WithDefault("1h")
    Duration sseMaxDuration();

    /** How many live-progress streams one client (address) may hold open at once; one more is a 429. */
    @WithDefault("4")
    int ssePerClient();

    /** How often unfinished studies are checked for a stall. */
    @WithDefault("60s")
    Duration stallCheckInterval();

    /**
     * The Kafka user an admin's dead-letter replay signs in as: the only one that may write every event topic, so
     * the gateway's own user may keep writing study-requested alone (deploy/images/kafka/access.sh).
     */
    @WithDefault("transferlab-replay")
    String replayKafkaUser();

    /** Its password (deploy/local/secrets.sh kafka-env: TRANSFERLAB_KAFKA_PASSWORD_REPLAY); no default. */
    String replayKafkaPassword();
}
