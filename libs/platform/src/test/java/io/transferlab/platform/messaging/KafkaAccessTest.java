package io.transferlab.platform.messaging;

import io.transferlab.core.events.Topics;
import io.transferlab.core.events.TransferLabEvent;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker's rules (deploy/images/kafka/access.sh) match the code: every topic of {@link Topics} is covered, each
 * service's user may read what its {@code @Incoming} channels consume, write what it publishes and the dead-letter
 * topic, in its own consumer group — and no more (a topic it may write that it never publishes is a right too many).
 * Without this a missing rule shows only at run time, as a refused record.
 */
class KafkaAccessTest {

    private static final Path REPO = Path.of("../..").toAbsolutePath().normalize();
    private static final Map<String, String> SERVICES = Map.of("gateway", "gateway", "dataset", "dataset-service",
            "trainer", "trainer-service", "evaluator", "evaluator-service");

    record Rules(Set<String> writes, Set<String> reads, String group) {
    }

    @Test
    void theRulesCoverEveryTopicAndEachServiceReadsAndWritesExactlyWhatItsCodeDoes() throws Exception {
        Path access = REPO.resolve("deploy/images/kafka/access.sh");
        Assumptions.assumeTrue(Files.isRegularFile(access), "no " + access);
        Map<String, Rules> rules = new HashMap<>();
        Set<String> all = new TreeSet<>();
        for (String line : dump(access)) {
            String[] f = line.split("\\|", -1);
            if (f[0].equals("ALL")) {
                all.addAll(words(f[1]));
            } else {
                rules.put(f[0], new Rules(words(f[1]), words(f[2]), f[3]));
            }
        }
        assertThat(all).as("the topics the broker's rules name").isEqualTo(new TreeSet<>(Topics.all()));
        assertThat(rules.keySet()).containsExactlyInAnyOrder("gateway", "dataset", "trainer", "evaluator", "replay");
        assertThat(rules.get("replay").writes()).as("replay writes every event topic back, and only those")
                .isEqualTo(Topics.all().stream().filter(t -> !t.equals(Topics.DEAD_LETTER))
                        .collect(Collectors.toCollection(TreeSet::new)));
        assertThat(rules.get("replay").reads()).isEmpty();

        for (var service : SERVICES.entrySet()) {
            Path module = REPO.resolve(service.getValue());
            String code = source(module.resolve("src/main/java"));
            Rules rule = rules.get(service.getKey());
            Set<String> consumed = new TreeSet<>();
            Matcher incoming = Pattern.compile("@Incoming\\(Topics\\.(\\w+)\\)").matcher(code);
            while (incoming.find()) {
                consumed.add((String) Topics.class.getField(incoming.group(1)).get(null));
            }
            if (code.contains("Topics.DEAD_LETTER") && code.contains("KafkaConsumer")) {
                consumed.add(Topics.DEAD_LETTER);   // the gateway lists the dead letters for its admins
            }
            Set<String> published = new TreeSet<>(Set.of(Topics.DEAD_LETTER));   // every consumer dead-letters
            for (Class<?> type : TransferLabEvent.class.getPermittedSubclasses()) {
                String name = type.getSimpleName();
                if (Pattern.compile("new " + name + "\\(|\\b" + name + "\\.[a-z]\\w*\\(").matcher(code).find()) {
                    @SuppressWarnings("unchecked")
                    String topic = Topics.of((Class<? extends TransferLabEvent>) type);
                    published.add(topic);
                }
            }
            assertThat(rule.reads()).as(service.getKey() + " reads").isEqualTo(consumed);
            assertThat(rule.writes()).as(service.getKey() + " writes").isEqualTo(published);
            String application = Files.readAllLines(module.resolve("src/main/resources/application.properties")).stream()
                    .filter(l -> l.startsWith("quarkus.application.name=")).findFirst().orElseThrow().split("=", 2)[1];
            assertThat(rule.group()).as(service.getKey() + "'s consumer group").isEqualTo(application);
        }
    }

    @Test
    void theProductionOverlaysKafkaUsersAreTheseRules() throws Exception {
        Path access = REPO.resolve("deploy/images/kafka/access.sh");
        Path users = REPO.resolve("deploy/k8s/overlays/production/operators/strimzi-kafka-users.yaml");
        Assumptions.assumeTrue(Files.isRegularFile(access) && Files.isRegularFile(users), "no deploy/ folder");
        Process bash = new ProcessBuilder("bash", "-c", "source \"$0\"; kafka_strimzi_users kafka transferlab",
                access.toString()).redirectErrorStream(true).start();
        String written = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor()).as(written).isZero();
        assertThat(Files.readString(users)).as(users + " is access.sh's kafka_strimzi_users output (write it again)")
                .isEqualTo(written);
        assertThat(written).contains("name: transferlab-trainer").contains("type: scram-sha-512");
    }

    private static List<String> dump(Path access) throws IOException, InterruptedException {
        Process bash = new ProcessBuilder("bash", "-c", "source \"$0\"; for n in \"${KAFKA_SERVICE_USERS[@]}\"; do "
                + "echo \"$n|${KAFKA_WRITES[$n]:-}|${KAFKA_READS[$n]:-}|${KAFKA_GROUPS[$n]:-}\"; done; "
                + "echo \"ALL|${KAFKA_ALL_TOPICS[*]}\"", access.toString()).redirectErrorStream(true).start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor()).as(out).isZero();
        return out.lines().toList();
    }

    private static Set<String> words(String text) {
        return Arrays.stream(text.trim().split("\\s+")).filter(w -> !w.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static String source(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java")).map(p -> {
                try {
                    return Files.readString(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).collect(Collectors.joining("\n"));
        }
    }
}
