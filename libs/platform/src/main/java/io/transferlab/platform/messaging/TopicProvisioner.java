package io.transferlab.platform.messaging;

import io.quarkus.runtime.StartupEvent;
import io.transferlab.core.events.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Creates TransferLab's topics at start-up when they are missing, so no script has to name them. */
@ApplicationScoped
public class TopicProvisioner {

    private static final Logger LOG = Logger.getLogger(TopicProvisioner.class);

    @Inject
    KafkaClients kafka;

    @ConfigProperty(name = "transferlab.topics.partitions", defaultValue = "3")
    int partitions;

    void onStart(@Observes StartupEvent event) {
        try (Admin admin = Admin.create(kafka.settings(Map.of()))) {
            for (String topic : Topics.all()) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(15, TimeUnit.SECONDS);
                    LOG.infof("created topic %s", topic);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        LOG.warnf("could not create topic %s: %s", topic, e.getCause().getMessage());
                    }
                }
            }
        } catch (Exception e) {
            LOG.warnf("topic provisioning skipped: %s", e.getMessage());
        }
    }
}
