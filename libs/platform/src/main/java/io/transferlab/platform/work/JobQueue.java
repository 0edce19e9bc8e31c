package io.transferlab.platform.work;

import java.util.Optional;

/**
 * A queue of long jobs in a service's database that several replicas work through side by side (see
 * {@link QueueTable} for the leases that make that safe).
 *
 * @param <J> a claimed job
 */
public interface JobQueue<J> {

    /** The next job, leased to this worker; empty when there is none. */
    Optional<J> claimNext();

    /** Extends the lease of a job this worker is working on; false when the lease is lost (another worker has it). */
    boolean renew(J job);

    /** Gives a job back at once (this worker stops): taken again without waiting for the lease, the attempt not counted. */
    void release(J job);
}
