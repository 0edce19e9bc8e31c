package io.transferlab.platform.work;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * How a service's workers share their database queue with other replicas: a claimed job is leased to its worker,
 * the worker renews the lease while it works, and only a job whose lease ran out (its worker died) is taken again.
 */
@ConfigMapping(prefix = "transferlab.queue")
public interface QueueConfig {

    /** How long a claim lasts without a heartbeat; a crashed worker's job is taken again after this. */
    @WithDefault("60s")
    Duration lease();

    /** How often a working worker renews its lease (well inside {@link #lease()}). */
    @WithDefault("15s")
    Duration heartbeat();

    /**
     * Claims a job gets: a job whose worker died this many times (killed the JVM, ran out of memory, was evicted)
     * is failed for good and reported, instead of being retried forever.
     */
    @WithDefault("3")
    int maxAttempts();

    /** This worker's name in the queue; default: host name, process id and a random suffix. */
    Optional<String> owner();
}
