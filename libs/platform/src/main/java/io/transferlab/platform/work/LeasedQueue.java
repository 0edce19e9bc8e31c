package io.transferlab.platform.work;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.util.Optional;

/**
 * A service's queue of long jobs shared by its replicas through leases ({@link QueueTable}): the one
 * implementation of claiming, renewing, giving back and fencing; a service says which table, what a job that used
 * up its attempts becomes, and what it records about its jobs.
 *
 * @param <J> the job entity (its table has the lease columns of {@link LeasedJob})
 */
public abstract class LeasedQueue<J extends LeasedJob> implements JobQueue<J> {

    @Inject
    protected EntityManager em;

    @Inject
    protected QueueConfig config;

    @Inject
    protected MeterRegistry metrics;

    private String owner;

    /** The job entity. */
    protected abstract Class<J> type();

    /** The queue as every replica claims from it (the table, and which queued jobs are ready). */
    protected abstract QueueTable table();

    /** A job whose workers died in each of its attempts: the service fails it for good, and says so. */
    protected abstract void giveUp(J job);

    /** Called in the claiming transaction with the job just leased. */
    protected void claimed(J job) {
    }

    @PostConstruct
    void leases() {
        owner = QueueTable.owner(config);
        table().registerGauges(metrics);
    }

    /** This worker's name in the queue. */
    public String owner() {
        return owner;
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<J> claimNext() {
        Optional<J> next = table().claimNext(type(), owner, config.lease(), config.maxAttempts(), this::giveUp);
        next.ifPresent(this::claimed);
        return next;
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean renew(J job) {
        return table().renew(id(job), owner, config.lease());
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void release(J job) {
        table().release(id(job), owner);
    }

    /** The job, locked, if this worker still holds its lease; else {@link LeaseLost}: nothing may be recorded. */
    protected J held(long id) {
        if (!table().holds(id, owner)) {
            throw new LeaseLost(table().name(), id, owner);
        }
        return em.find(type(), id);
    }

    private Object id(J job) {
        return em.getEntityManagerFactory().getPersistenceUnitUtil().getIdentifier(job);
    }
}
