package io.transferlab.gateway.rest;

import io.transferlab.core.events.Topics;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What every service dead-lettered (records that could never be processed), newest first, read from the
 * dead-letter topic itself: the record, where it came from and the reason the connector recorded.
 */
@Path("/admin/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin", description = "Operating the pipeline")
public class DeadLetterResource {

    private static final int MAX = 1000;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    /** One dead-lettered record. */
    public record DeadLetter(Instant at, String topic, Integer partition, Long offset, String key, String reason,
                             String cause, String value) {
    }

    @GET
    @Operation(summary = "The newest dead-lettered records of every service (limit: 1 to 1000, default 100)")
    public List<DeadLetter> list(@QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > MAX) {
            throw new BadRequestException("'limit' must be between 1 and " + MAX + ", not " + limit);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DEAD_LETTER, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(Topics.DEAD_LETTER, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, Duration.ofSeconds(10));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            for (TopicPartition p : partitions) {
                consumer.seek(p, Math.max(begin.get(p), end.get(p) - limit));   // the newest `limit` of each partition
            }
            List<DeadLetter> found = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    found.add(new DeadLetter(Instant.ofEpochMilli(r.timestamp()), header(r, "dead-letter-topic"),
                            intHeader(r, "dead-letter-partition"), longHeader(r, "dead-letter-offset"), r.key(),
                            header(r, "dead-letter-reason"), header(r, "dead-letter-cause"), r.value()));
                }
            }
            return found.stream().sorted(Comparator.comparing(DeadLetter::at).reversed()).limit(limit).toList();
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Integer intHeader(ConsumerRecord<String, String> record, String name) {
        String value = header(record, name);
        try {
            return value == null ? null : Integer.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long longHeader(ConsumerRecord<String, String> record, String name) {
        String value = header(record, name);
        try {
            return value == null ? null : Long.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
