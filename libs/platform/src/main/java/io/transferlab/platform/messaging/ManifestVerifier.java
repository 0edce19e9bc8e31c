package io.transferlab.platform.messaging;

import io.transferlab.core.events.RunFailed;
import io.transferlab.core.events.SplitManifestPublished;
import io.transferlab.core.split.SplitManifest;
import io.transferlab.core.split.SplitManifestStore;
import io.transferlab.core.storage.ChecksumMismatchException;
import io.transferlab.core.storage.StorageRoot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.util.Optional;

/**
 * Checks the manifest a SplitManifestPublished refers to (inside the storage root, present, SHA-256, content
 * matching the event) for the services that receive it; a manifest that cannot be trusted is announced with a
 * RunFailed naming the problem.
 */
@ApplicationScoped
public class ManifestVerifier {

    private static final Logger LOG = Logger.getLogger(ManifestVerifier.class);

    @Inject
    StorageRoot storage;

    @Inject
    EventPublisher publisher;

    /** The verified manifest, or the reason it was rejected (already published as a RunFailed). */
    public record Verdict(Optional<SplitManifest> manifest, String rejection) {
        public boolean trusted() {
            return manifest.isPresent();
        }
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public Verdict verify(SplitManifestPublished event, String service) {
        try {
            return new Verdict(Optional.of(new SplitManifestStore(storage).load(event)), null);
        } catch (IllegalArgumentException | ChecksumMismatchException e) {
            LOG.warnf("%s rejects training set %s of study %s: %s", service, event.runId(), event.studyId(), e.getMessage());
            publisher.publish(RunFailed.of(event.studyId(), event.runId(), service, "intake", e.getMessage()));
            return new Verdict(Optional.empty(), e.getMessage());
        }
    }
}
