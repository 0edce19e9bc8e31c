package io.transferlab.platform.work;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.MappedSuperclass;

import java.time.Instant;

/**
 * The lease columns every queue table has (see {@link QueueTable}); written by the queue's native updates only, so
 * the entity reads them and never writes them back.
 */
@MappedSuperclass
public abstract class LeasedJob extends PanacheEntityBase {

    /** The worker holding the lease while RUNNING. */
    @Column(insertable = false, updatable = false)
    public String owner;

    /** Until when (the database's clock); a RUNNING job past it is taken again. */
    @Column(name = "lease_until", insertable = false, updatable = false)
    public Instant leaseUntil;

    /** Claims so far: a job whose worker died max-attempts times is failed for good. */
    @Column(insertable = false, updatable = false)
    public int attempts;
}
