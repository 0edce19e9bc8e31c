package io.transferlab.platform.work;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One thread working through a queue kept in the database: long work (training, evaluation) must not run on a
 * Kafka consumer thread, so consumers only record jobs and this thread takes them one at a time.
 *
 * @param <J> a claimed job
 */
public final class QueueWorker<J> {

    private static final Logger LOG = Logger.getLogger(QueueWorker.class);

    /** What the worker does with one claimed job; it records the outcome itself. */
    public interface Handler<J> {
        void handle(J job, Supplier<Boolean> stopping);
    }

    private final String name;
    private final Supplier<Optional<J>> claim;
    private final Handler<J> handler;
    private final Duration idle;
    private volatile boolean stopping;
    private Thread thread;

    public QueueWorker(String name, Supplier<Optional<J>> claim, Handler<J> handler, Duration idle) {
        this.name = name;
        this.claim = claim;
        this.handler = handler;
        this.idle = idle;
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
    }

    private void loop() {
        while (!stopping) {
            Optional<J> next;
            try {
                next = claim.get();
            } catch (RuntimeException e) {
                LOG.warnf("%s cannot read its queue: %s", name, e.getMessage());
                next = Optional.empty();
            }
            if (next.isEmpty()) {
                pause();
                continue;
            }
            try {
                handler.handle(next.get(), () -> stopping);
            } catch (RuntimeException | Error e) {
                // the handler records failures itself; this only keeps the thread alive
                LOG.errorf(e, "%s: a job escaped its handler", name);
                pause();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(idle.toMillis());
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
