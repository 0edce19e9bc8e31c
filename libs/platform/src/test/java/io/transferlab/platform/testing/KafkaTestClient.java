package io.transferlab.platform.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

/**
 * A plain Kafka client for tests against the real broker: sends raw records (valid or malformed) and reads
 * what services publish, from the moment {@link #follow} was called.
 */
public final class KafkaTestClient implements AutoCloseable {

    private final String bootstrap;
    private final KafkaProducer<String, String> producer;
    private final List<KafkaConsumer<String, String>> consumers = new ArrayList<>();

    public KafkaTestClient() {
        this(System.getenv().getOrDefault("TRANSFERLAB_KAFKA_BOOTSTRAP", "127.0.0.1:19092"));
    }

    public KafkaTestClient(String bootstrap) {
        this.bootstrap = bootstrap;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    public void send(String topic, String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic, e);
        }
    }

    /** Starts reading a topic from its current end. */
    public Follower follow(String topic) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new StringDeserializer());
        consumers.add(consumer);
        ensureTopic(topic);
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(20));
        List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToEnd(assigned);
        assigned.forEach(consumer::position); // fix the start now, not at the first poll
        return new Follower(consumer);
    }

    private void ensureTopic(String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
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
        consumers.forEach(KafkaConsumer::close);
    }

    public static final class Follower {
        private final KafkaConsumer<String, String> consumer;
        private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

        private Follower(KafkaConsumer<String, String> consumer) {
            this.consumer = consumer;
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

        /** Everything that arrived matching the filter during {@code window}. */
        public List<ConsumerRecord<String, String>> collect(Predicate<ConsumerRecord<String, String>> filter,
                                                            Duration window) {
            long deadline = System.nanoTime() + window.toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
            return seen.stream().filter(filter).toList();
        }
    }
}
