package io.transferlab.dataset.service;

import io.quarkus.scheduler.Scheduled;
import io.transferlab.dataset.repository.Dataset;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Rescans every registered dataset at {@code transferlab.dataset.rescan-interval} (off by default), so images
 * added to or replaced in a folder become a new version, and the studies that follow it rerun, without anyone
 * asking. A dataset that cannot be scanned keeps its registered version.
 */
@ApplicationScoped
public class DatasetRescanner {

    private static final Logger LOG = Logger.getLogger(DatasetRescanner.class);

    @Inject
    DatasetRegistry registry;

    @Scheduled(identity = "dataset-rescan", every = "${transferlab.dataset.rescan-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void rescanAll() {
        for (String id : io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
                .call(() -> Dataset.all().stream().map(d -> d.id).toList())) {
            try {
                registry.rescan(id);
            } catch (RuntimeException e) {
                LOG.warnf("dataset %s could not be rescanned, its registered version stays: %s", id, e.getMessage());
            }
        }
    }
}
