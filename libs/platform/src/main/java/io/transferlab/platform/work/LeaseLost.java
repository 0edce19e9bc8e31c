package io.transferlab.platform.work;

/** A worker tried to record the outcome of a job it no longer holds: another replica took it (see QueueTable). */
public final class LeaseLost extends RuntimeException {

    public LeaseLost(String table, Object id, String owner) {
        super(table + " " + id + " is no longer leased to " + owner + "; nothing recorded");
    }
}
