package io.transferlab.platform.work;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One thread working through a queue kept in the database: long work (training, evaluation) must not run on a
 * Kafka consumer thread, so consumers only record jobs and this thread takes them one at a time.
 *
 * <p>While a job runs, a heartbeat renews its lease; when the lease is lost (this worker was too slow to renew it
 * and another replica took the job) the job is asked to stop, and the queue refuses what it would still record.
 * A failure of the moment (database, broker) is not the job's: the worker backs off and the job is taken again.
 *
 * @param <J> a claimed job
 */
public final class QueueWorker<J> {

    private static final Logger LOG = Logger.getLogger(QueueWorker.class);
    /** The longest wait between two tries after a failure of the moment (the consumers' too, see EventInbox). */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** What the worker does with one claimed job; it records the outcome itself. */
    public interface Handler<J> {
        /**
         * @param stopping true once the job should stop at its next safe point (shutdown, or its lease was lost)
         */
        void handle(J job, Supplier<Boolean> stopping);
    }

    private final String name;
    private final JobQueue<J> queue;
    private final Handler<J> handler;
    private final Duration idle;
    private final Duration heartbeat;
    private final ScheduledExecutorService heartbeats;
    private volatile boolean stopping;
    private Thread thread;

    public QueueWorker(String name, JobQueue<J> queue, Handler<J> handler, Duration idle, Duration heartbeat) {
        this.name = name;
        this.queue = queue;
        this.handler = handler;
        this.idle = idle;
        this.heartbeat = heartbeat;
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    public synchronized void start() {
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks the current job to stop at its next safe point, and waits a while for it. */
    public void stop(Duration wait) throws InterruptedException {
        stopping = true;
        Thread running = thread;
        if (running != null) {
            running.join(TimeUnit.MILLISECONDS.convert(wait));
        }
        heartbeats.shutdownNow();
    }

    private void loop() {
        Duration backoff = idle;
        while (!stopping) {
            Optional<J> next;
            try {
                next = queue.claimNext();
            } catch (RuntimeException e) {
                LOG.warnf("%s cannot read its queue: %s (again in %d ms)", name, describe(e), backoff.toMillis());
                pause(backoff);
                backoff = longer(backoff);
                continue;
            }
            backoff = idle;
            if (next.isEmpty()) {
                pause(idle);
                continue;
            }
            J job = next.get();
            AtomicBoolean lost = new AtomicBoolean();
            ScheduledFuture<?> beat = heartbeats.scheduleWithFixedDelay(() -> renew(job, lost),
                    heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
            try {
                handler.handle(job, () -> stopping || lost.get());
            } catch (RuntimeException | Error e) {
                // handlers record their jobs' failures; what reaches here is the moment's (database, broker) or a bug
                if (Transient.is(e)) {
                    LOG.warnf("%s: %s; the job is given back and taken again (in %d ms)", name, describe(e),
                            backoff.toMillis());
                    release(job);
                } else {
                    LOG.errorf(e, "%s: a job escaped its handler", name);
                }
                pause(backoff);
                backoff = longer(backoff);
            } finally {
                beat.cancel(false);
            }
            if (stopping) {
                release(job);
            }
        }
    }

    private void release(J job) {
        try {
            queue.release(job);
        } catch (RuntimeException e) {
            LOG.warnf("%s could not give its job back (%s); it is taken again when its lease runs out", name, describe(e));
        }
    }

    private void renew(J job, AtomicBoolean lost) {
        try {
            if (!lost.get() && !queue.renew(job)) {
                lost.set(true);
                LOG.warnf("%s lost the lease of its job to another worker; it stops the job", name);
            }
        } catch (RuntimeException e) {
            // the lease runs on; the next beat tries again
            LOG.warnf("%s could not renew its lease: %s", name, describe(e));
        }
    }

    /** The next wait after {@code backoff}: twice as long, at most {@link #MAX_BACKOFF}. */
    public static Duration longer(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    }

    private void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    /** A message for people from an exception: its own and its cause's. */
    public static String describe(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable cause = e.getCause();
        return cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())
                ? message + " (" + cause.getMessage() + ")" : message;
    }
}
