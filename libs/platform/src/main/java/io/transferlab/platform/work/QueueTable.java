package io.transferlab.platform.work;

import jakarta.persistence.EntityManager;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A queue kept in a table with a {@code state} column (QUEUED, RUNNING, …), an increasing {@code id} and the lease
 * columns {@code owner}, {@code lease_until} and {@code attempts} (see each service's lease migration).
 *
 * <p>A claim leases the job to one worker until {@code lease_until} (the database's clock, so replicas on several
 * hosts agree) and counts an attempt; the worker renews the lease while it works. A RUNNING job is taken again
 * only once its lease has run out — its worker died — and before any QUEUED job, so it resumes first. A job whose
 * worker died {@code maxAttempts} times is handed to {@code gaveUp} instead (the service fails it for good). Every
 * change to a leased job is conditional on its owner, so a worker that lost its lease changes nothing.
 */
public final class QueueTable {

    private final EntityManager em;
    private final String table;
    private final String ready;

    public QueueTable(EntityManager em, String table) {
        this(em, table, "true");
    }

    /**
     * @param ready an SQL condition on the table aliased {@code j}: a QUEUED job is claimed only when it holds (for
     *              example, that the job it starts from is DONE); a constant of the service, never user input
     */
    public QueueTable(EntityManager em, String table, String ready) {
        if (!table.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a table name: " + table);
        }
        this.em = em;
        this.table = table;
        this.ready = ready;
    }

    /**
     * The next job, leased to {@code owner} and RUNNING, in the caller's transaction; rows other workers are
     * claiming are skipped. Jobs that used up their attempts go to {@code gaveUp} (in the same transaction).
     */
    public <T extends LeasedJob> Optional<T> claimNext(Class<T> entity, String owner, Duration lease, int maxAttempts, Consumer<T> gaveUp) {
        while (true) {
            @SuppressWarnings("unchecked")
            List<T> next = em.createNativeQuery("select j.* from " + table + " j"
                    + " where (j.state = 'QUEUED' and (" + ready + "))"
                    + " or (j.state = 'RUNNING' and (j.lease_until is null or j.lease_until < now()))"
                    + " order by case j.state when 'RUNNING' then 0 else 1 end, j.id limit 1 for update of j skip locked",
                    entity).getResultList();
            if (next.isEmpty()) {
                return Optional.empty();
            }
            T job = next.get(0);
            Object id = em.getEntityManagerFactory().getPersistenceUnitUtil().getIdentifier(job);
            if (job.attempts >= maxAttempts) {
                gaveUp.accept(job);
                em.flush();
                continue;
            }
            em.flush();   // the caller's changes so far, before the lease columns are written beside them
            em.createNativeQuery("update " + table + " set state = 'RUNNING', owner = ?1, attempts = attempts + 1,"
                            + " lease_until = now() + make_interval(secs => ?2) where id = ?3")
                    .setParameter(1, owner).setParameter(2, seconds(lease)).setParameter(3, id).executeUpdate();
            em.refresh(job);
            return Optional.of(job);
        }
    }

    /**
     * Extends {@code owner}'s lease on a RUNNING job; false only when the job is RUNNING under another worker now.
     * A job this worker has just finished (the heartbeat may fire between the last commit and its end) is not lost.
     */
    public boolean renew(Object id, String owner, Duration lease) {
        if (em.createNativeQuery("update " + table + " set lease_until = now() + make_interval(secs => ?1)"
                        + " where id = ?2 and owner = ?3 and state = 'RUNNING'")
                .setParameter(1, seconds(lease)).setParameter(2, id).setParameter(3, owner).executeUpdate() == 1) {
            return true;
        }
        return em.createNativeQuery("select id from " + table + " where id = ?1 and state = 'RUNNING' and owner <> ?2")
                .setParameter(1, id).setParameter(2, owner).getResultList().isEmpty();
    }

    /** Ends {@code owner}'s lease now, not counting the attempt: a stopping worker's job is taken again at once. */
    public void release(Object id, String owner) {
        em.createNativeQuery("update " + table + " set lease_until = now(), attempts = greatest(attempts - 1, 0)"
                        + " where id = ?1 and owner = ?2 and state = 'RUNNING'")
                .setParameter(1, id).setParameter(2, owner).executeUpdate();
    }

    /** True while {@code owner} holds the lease of a RUNNING job: the condition of every change it makes to it. */
    public boolean holds(Object id, String owner) {
        return !em.createNativeQuery("select id from " + table
                        + " where id = ?1 and owner = ?2 and state = 'RUNNING' for update")
                .setParameter(1, id).setParameter(2, owner).getResultList().isEmpty();
    }

    /** The table's name. */
    public String name() {
        return table;
    }

    /**
     * Gauges of this queue for /q/metrics: {@code transferlab.queue.depth} (QUEUED jobs) and
     * {@code transferlab.queue.running} (RUNNING jobs), read from the table at each scrape.
     */
    public void registerGauges(io.micrometer.core.instrument.MeterRegistry registry) {
        for (String[] gauge : new String[][]{{"transferlab.queue.depth", "QUEUED"}, {"transferlab.queue.running", "RUNNING"}}) {
            io.micrometer.core.instrument.Gauge.builder(gauge[0], () -> count(gauge[1])).tag("queue", table)
                    .register(registry);
        }
    }

    private double count(String state) {
        try {
            return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> ((Number) em
                    .createNativeQuery("select count(*) from " + table + " where state = ?1").setParameter(1, state)
                    .getSingleResult()).doubleValue());
        } catch (RuntimeException e) {
            return Double.NaN;   // the database is away: no figure rather than a wrong one
        }
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    /** A worker's name in its queues: configured, or host, process and a random suffix (unique per process). */
    public static String owner(QueueConfig config) {
        return config.owner().filter(o -> !o.isBlank()).orElseGet(() -> {
            String host;
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                host = "unknown-host";
            }
            return host + "/" + ProcessHandle.current().pid() + "/" + java.util.UUID.randomUUID().toString().substring(0, 8);
        });
    }
}
