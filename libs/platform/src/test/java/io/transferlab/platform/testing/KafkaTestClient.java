package io.transferlab.platform.testing;

import io.transferlab.core.events.Topics;
import io.transferlab.platform.messaging.KafkaClients;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

/**
 * A plain Kafka client for tests against the real broker: sends raw records (valid or malformed) and reads
 * what services publish.
 *
 * <p>Every {@link #follow follower} reads from the client's <em>mark</em> — the end of every topic when the
 * client was made (or {@link #mark()} was last called) — not from the moment {@code follow} is called. Services
 * publish through an outbox relay, asynchronously, so "from now" would make what a test counts depend on the
 * machine's timing (a follower started after a POST may or may not see the POST's own event). From the mark,
 * a test sees every record caused since, always, and must tell its records apart by what identifies them.
 *
 * <p>To assert that something was <em>not</em> published (a duplicate delivery with no second effect) a test
 * needs a condition, not a pause: {@link #awaitConsumed} waits until a service's consumer group has committed
 * past a record the test sent (so the service has processed it), the service's outbox is then drained
 * ({@code OutboxProbe} in-process, the outbox health check's {@code pending} for a process), and
 * {@link Follower#upToNow} reads every record up to the topic's current end.
 */
public final class KafkaTestClient implements AutoCloseable {

    private final Map<String, Object> settings;
    private final KafkaProducer<String, String> producer;
    private final Admin admin;
    private final List<KafkaConsumer<String, String>> consumers = new ArrayList<>();
    private Map<TopicPartition, Long> mark = Map.of();

    /** Signed in as the operator (the broker's super user), who may read and write every topic. */
    public KafkaTestClient() {
        this(signedInAs(adminUser(), requiredEnv("TRANSFERLAB_KAFKA_ADMIN_PASSWORD")));
    }

    private KafkaTestClient(Map<String, Object> settings) {
        this.settings = Map.copyOf(settings);
        this.producer = new KafkaProducer<>(with(settings, Map.of(ProducerConfig.ACKS_CONFIG, "all")),
                new StringSerializer(), new StringSerializer());
        this.admin = Admin.create(this.settings);
        Topics.all().forEach(this::ensureTopic);
        mark();
    }

    /** The broker the infrastructure runs (deploy/local/infra.sh writes it to .run/env). */
    public static String bootstrap() {
        return System.getenv().getOrDefault("TRANSFERLAB_KAFKA_BOOTSTRAP", "127.0.0.1:19092");
    }

    /** The operator's user name (deploy/local/infra.sh: TRANSFERLAB_KAFKA_ADMIN_USER). */
    public static String adminUser() {
        return System.getenv().getOrDefault("TRANSFERLAB_KAFKA_ADMIN_USER", "transferlab-admin");
    }

    /** Client settings that sign in to the broker as a SCRAM user, as the services do. */
    public static Map<String, Object> signedInAs(String user, String password) {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512",
                SaslConfigs.SASL_JAAS_CONFIG, KafkaClients.scramLogin(user, password));
    }

    /** Client settings with no credentials at all (what an intruder on the network would try). */
    public static Map<String, Object> withoutCredentials() {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    }

    /** An environment variable the test cannot run without (source .run/env). */
    public static String requiredEnv(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: start the infrastructure with deploy/local/infra.sh"
                    + " start and source .run/env");
        }
        return value;
    }

    private static Map<String, Object> with(Map<String, Object> settings, Map<String, Object> more) {
        Map<String, Object> all = new HashMap<>(settings);
        all.putAll(more);
        return all;
    }

    /** Sends a record and waits for the broker's acknowledgement; returns where it landed. */
    public RecordMetadata send(String topic, String key, String value) {
        try {
            return producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic, e);
        }
    }

    /** The summed end offsets of each topic (every record ever written to it), read as the operator. */
    public Map<String, Long> endOffsets(List<String> topics) {
        try (KafkaConsumer<String, String> probe = newConsumer()) {
            Map<String, Long> ends = new java.util.TreeMap<>();
            for (String topic : topics) {
                List<TopicPartition> partitions = probe.partitionsFor(topic, Duration.ofSeconds(20)).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                ends.put(topic, probe.endOffsets(partitions, Duration.ofSeconds(20)).values().stream()
                        .mapToLong(Long::longValue).sum());
            }
            return ends;
        }
    }

    /** Moves the mark to the current end of every topic: later followers see only what is published after. */
    public void mark() {
        try (KafkaConsumer<String, String> probe = newConsumer()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : Topics.all()) {
                probe.partitionsFor(topic, Duration.ofSeconds(20))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            mark = Map.copyOf(probe.endOffsets(partitions, Duration.ofSeconds(20)));
        }
    }

    /** Reads a topic from the mark: every record published since, whenever this is called. */
    public Follower follow(String topic) {
        KafkaConsumer<String, String> consumer = newConsumer();
        consumers.add(consumer);
        ensureTopic(topic);
        List<TopicPartition> assigned = consumer.partitionsFor(topic, Duration.ofSeconds(20)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(assigned);
        for (TopicPartition partition : assigned) {
            consumer.seek(partition, mark.getOrDefault(partition, 0L));
        }
        return new Follower(consumer, assigned);
    }

    /**
     * Waits until the consumer group {@code group} has committed an offset past {@code sent}: the service
     * behind it has processed that record (and every earlier one of its partition) and committed its
     * transaction. The condition that replaces "wait a few seconds and see that nothing happened".
     */
    public void awaitConsumed(String group, RecordMetadata sent, Duration timeout) {
        TopicPartition partition = new TopicPartition(sent.topic(), sent.partition());
        long deadline = System.nanoTime() + timeout.toNanos();
        long committed = -1;
        while (System.nanoTime() < deadline) {
            try {
                OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                        .get().get(partition);
                committed = offset == null ? -1 : offset.offset();
                if (committed > sent.offset()) {
                    return;
                }
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot read the offsets of consumer group " + group, e);
            }
        }
        throw new AssertionError("consumer group " + group + " did not get past " + partition + "@" + sent.offset()
                + " within " + timeout + " (committed: " + committed + ")");
    }

    private KafkaConsumer<String, String> newConsumer() {
        return new KafkaConsumer<>(with(settings, Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")), new StringDeserializer(), new StringDeserializer());
    }

    private void ensureTopic(String topic) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        producer.close();
        admin.close();
        consumers.forEach(KafkaConsumer::close);
    }

    public static final class Follower {
        private final KafkaConsumer<String, String> consumer;
        private final List<TopicPartition> partitions;
        private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

        private Follower(KafkaConsumer<String, String> consumer, List<TopicPartition> partitions) {
            this.consumer = consumer;
            this.partitions = partitions;
        }

        /** Waits until {@code count} records matching the filter arrived; returns them (fails on time-out). */
        public List<ConsumerRecord<String, String>> await(Predicate<ConsumerRecord<String, String>> filter, int count,
                                                          Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                List<ConsumerRecord<String, String>> matching = seen.stream().filter(filter).toList();
                if (matching.size() >= count) {
                    return matching;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("expected " + count + " matching record(s) within " + timeout + ", got "
                            + matching.size() + " of " + seen.size() + " seen: " + seen.stream().map(ConsumerRecord::value).toList());
                }
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
        }

        /**
         * Every matching record the topic holds from the mark up to its end as of this call. Call it once the
         * records that matter are known to be published (see {@link KafkaTestClient}), never after a pause.
         */
        public List<ConsumerRecord<String, String>> upToNow(Predicate<ConsumerRecord<String, String>> filter) {
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(20)));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + partitions + " up to " + end + " within 60 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
            return seen.stream().filter(filter).toList();
        }
    }
}
