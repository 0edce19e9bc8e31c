package io.transferlab.gateway.rest;

import io.transferlab.gateway.config.GatewayConfig;
import io.transferlab.platform.messaging.KafkaClients;
import io.transferlab.platform.security.Roles;
import jakarta.inject.Inject;
import jakarta.annotation.security.RolesAllowed;

import io.transferlab.core.events.Topics;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PathParam;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.logging.Logger;
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
@RolesAllowed(Roles.ADMIN)
@Tag(name = "admin", description = "Operating the pipeline")
public class DeadLetterResource {

    private static final int MAX = 1000;
    private static final Logger LOG = Logger.getLogger(DeadLetterResource.class);

    @Inject
    KafkaClients kafka;

    @Inject
    GatewayConfig config;

    /**
     * One dead-lettered record: where it came from (topic, partition, offset), why, and where it lies in the
     * dead-letter topic ({@code deadLetterPartition}, {@code deadLetterOffset}: what a replay names).
     */
    public record DeadLetter(Instant at, String topic, Integer partition, Long offset, String key, String reason,
                             String cause, String value, int deadLetterPartition, long deadLetterOffset) {
    }

    /** Where a replayed record went. */
    public record Replayed(String topic, int partition, long offset, String key, String replayedFrom) {
    }

    @GET
    @Operation(summary = "The newest dead-lettered records of every service (limit: 1 to 1000, default 100)")
    public List<DeadLetter> list(@QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > MAX) {
            throw new BadRequestException("'limit' must be between 1 and " + MAX + ", not " + limit);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(kafka.settings(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")), new StringDeserializer(), new StringDeserializer())) {
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
                            header(r, "dead-letter-reason"), header(r, "dead-letter-cause"), r.value(), r.partition(),
                            r.offset()));
                }
            }
            return found.stream().sorted(Comparator.comparing(DeadLetter::at).reversed()).limit(limit).toList();
        }
    }

    /**
     * Sends a dead-lettered record again to the topic it came from, unchanged (same key, same value), once whatever
     * refused it has been fixed. Its consumers' inboxes keep it harmless to replay twice: an event already processed
     * is skipped by its id. The copy carries a {@code transferlab-replayed-from} header naming the dead letter. It is
     * sent as the replay user ({@link GatewayConfig#replayKafkaUser()}), the one Kafka user that may write every
     * event topic: the gateway's own may write only study-requested.
     */
    @POST
    @Path("/{partition}/{offset}/replay")
    @Operation(summary = "Replay one dead-lettered record to its original topic (after a fix)")
    @APIResponse(responseCode = "202", description = "Sent again: the topic, partition and offset it now has")
    @APIResponse(responseCode = "404", description = "No dead letter at that partition and offset")
    public jakarta.ws.rs.core.Response replay(@PathParam("partition") @Min(0) int partition,
                                             @PathParam("offset") @Min(0) long offset) {
        ConsumerRecord<String, String> letter = read(partition, offset);
        String topic = header(letter, "dead-letter-topic");
        if (topic == null || topic.equals(Topics.DEAD_LETTER) || !Topics.all().contains(topic)) {
            throw new BadRequestException("dead letter " + partition + "/" + offset + " names no topic of this pipeline ("
                    + topic + "); it cannot be replayed");
        }
        String from = Topics.DEAD_LETTER + "/" + partition + "/" + offset;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.signedInAs(
                config.replayKafkaUser(), config.replayKafkaPassword(), Map.of(ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")), new StringSerializer(), new StringSerializer())) {
            ProducerRecord<String, String> copy = new ProducerRecord<>(topic, letter.key(), letter.value());
            copy.headers().add("transferlab-replayed-from", from.getBytes(StandardCharsets.UTF_8));
            RecordMetadata sent = producer.send(copy).get(30, java.util.concurrent.TimeUnit.SECONDS);
            LOG.infof("replayed dead letter %s to %s/%d/%d", from, sent.topic(), sent.partition(), sent.offset());
            return jakarta.ws.rs.core.Response.accepted(new Replayed(sent.topic(), sent.partition(), sent.offset(),
                    letter.key(), from)).build();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | org.apache.kafka.common.KafkaException e) {
            // a refused sign-in (wrong replay password) surfaces here too, named, not as a 500
            throw new jakarta.ws.rs.ServiceUnavailableException("the broker did not take the replayed record: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new jakarta.ws.rs.ServiceUnavailableException("interrupted while replaying");
        }
    }

    /** The dead letter at a partition and offset of the dead-letter topic. */
    private ConsumerRecord<String, String> read(int partition, long offset) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(kafka.settings(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")), new StringDeserializer(), new StringDeserializer())) {
            TopicPartition p = new TopicPartition(Topics.DEAD_LETTER, partition);
            if (consumer.partitionsFor(Topics.DEAD_LETTER, Duration.ofSeconds(10)).stream()
                    .noneMatch(info -> info.partition() == partition)) {
                throw new NotFoundException("the dead-letter topic has no partition " + partition);
            }
            consumer.assign(List.of(p));
            long begin = consumer.beginningOffsets(List.of(p), Duration.ofSeconds(10)).get(p);
            long end = consumer.endOffsets(List.of(p), Duration.ofSeconds(10)).get(p);
            if (offset < begin || offset >= end) {
                throw new NotFoundException("no dead letter at " + partition + "/" + offset + " (the partition holds "
                        + begin + " to " + (end - 1) + ")");
            }
            consumer.seek(p, offset);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() == offset) {
                        return r;
                    }
                }
            }
            throw new jakarta.ws.rs.ServiceUnavailableException("could not read dead letter " + partition + "/" + offset);
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
