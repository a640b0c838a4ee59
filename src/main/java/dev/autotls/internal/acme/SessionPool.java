package dev.autotls.internal.acme;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Session;

/**
 * One acme4j {@link Session} per thread that sends orders. acme4j 4 holds a session's nonce
 * lock from signing a request until its answer is read, so orders sharing one session reach
 * the CA one request at a time however many workers run them; with a session each, the
 * workers' orders go side by side, each with its own nonce (RFC 8555 allows any number).
 * Every session is logged in with the one account, which costs no request, and reads the
 * directory once (the provider keeps it). The first thread to order gets the primary
 * session, the one the start's warm-up already fetched the directory and a nonce for.
 */
final class SessionPool {
    private final Session primary;
    private final Supplier<Session> more;
    private final AtomicBoolean primaryGiven = new AtomicBoolean();
    private final ThreadLocal<Session> own;

    SessionPool(Session primary, Supplier<Session> more) {
        this.primary = primary;
        this.more = more;
        this.own = ThreadLocal.withInitial(() -> primaryGiven.compareAndSet(false, true) ? this.primary : this.more.get());
    }

    /** This thread's own session. */
    Session current() {
        return own.get();
    }

    /** {@code login}'s account on this thread's own session. */
    Login onThisThread(Login login) {
        Session session = own.get();
        return session == login.getSession() ? login : new Login(login.getAccountLocation(), login.getKeyPair(), session);
    }
}
