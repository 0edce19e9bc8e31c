package io.transferlab.platform.messaging;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.common.config.SaslConfigs;

import java.util.HashMap;
import java.util.Map;

/**
 * The settings for the plain Kafka clients a service makes itself (topic provisioning, reading the dead-letter
 * topic, a replay): the same {@code kafka.} settings its channels get — the broker's address and the service's own
 * SASL/SCRAM sign-in — so no client reaches the broker any other way.
 */
@ApplicationScoped
public class KafkaClients {

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    /** The service's settings, with {@code overrides} on top. */
    public Map<String, Object> settings(Map<String, Object> overrides) {
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.putAll(overrides);
        return settings;
    }

    /** The service's settings, signed in as another SCRAM user (one with other rights), with overrides on top. */
    public Map<String, Object> signedInAs(String user, String password, Map<String, Object> overrides) {
        Map<String, Object> settings = settings(overrides);
        settings.put(SaslConfigs.SASL_JAAS_CONFIG, scramLogin(user, password));
        return settings;
    }

    /** The JAAS line of a SCRAM sign-in (quotes and backslashes escaped). */
    public static String scramLogin(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + quoted(user)
                + "\" password=\"" + quoted(password) + "\";";
    }

    private static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
