package io.transferlab.platform.work;

import jakarta.persistence.EntityManager;

import java.util.List;
import java.util.Optional;

/**
 * A queue kept in a table with a {@code state} column (QUEUED, RUNNING, …) and an increasing {@code id}: the next
 * job is one left RUNNING (its worker died mid-job: it resumes first), else the oldest QUEUED one. The row stays
 * locked until the caller's transaction ends, and rows other workers hold are skipped.
 */
public final class QueueTable {

    private QueueTable() {
    }

    /** The next job of {@code table}, locked; the caller marks it RUNNING in the same transaction. */
    public static <T> Optional<T> claimNext(EntityManager em, String table, Class<T> entity) {
        if (!table.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a table name: " + table);
        }
        @SuppressWarnings("unchecked")
        List<T> next = em.createNativeQuery("select * from " + table + " where state in ('RUNNING', 'QUEUED')"
                + " order by case state when 'RUNNING' then 0 else 1 end, id limit 1 for update skip locked", entity)
                .getResultList();
        return next.stream().findFirst();
    }
}
