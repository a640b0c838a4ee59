package dev.autotls.internal.store;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says once that a store cannot be reached, naming where and why, and once that it is back,
 * instead of a line per failed attempt: while a database is down every instance keeps serving
 * what it has, and the log should say so in one sentence.
 */
public final class Reachability {
    private static final Logger LOG = LoggerFactory.getLogger(Reachability.class);

    private final String where;
    private final AtomicBoolean down = new AtomicBoolean();

    public Reachability(String where) {
        this.where = where;
    }

    public void reached() {
        if (down.compareAndSet(true, false)) {
            LOG.info("The store {} answers again; catching up with what other instances stored.", where);
        }
    }

    public void failed(Throwable cause) {
        if (down.compareAndSet(false, true)) {
            LOG.warn("The store {} cannot be reached ({}); serving what is in memory and retrying.", where, rootCause(cause));
        }
    }

    public boolean isDown() {
        return down.get();
    }

    /** The innermost message, which names the real problem (refused, timed out, unknown host). */
    public static String rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (root instanceof java.io.EOFException) {
            return "the server closed the connection";
        }
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }
}
