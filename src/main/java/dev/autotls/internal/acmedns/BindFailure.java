package dev.autotls.internal.acmedns;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * One sentence for a listener that cannot bind: what, where, why in words, and the setting
 * to change, so the command line can print it as it is instead of a stack trace.
 */
public final class BindFailure {
    private BindFailure() {
    }

    /**
     * @param what    e.g. "DNS over UDP"
     * @param setting e.g. "[general] listen"
     */
    public static IOException of(String what, String setting, InetSocketAddress address, Throwable failure) {
        String where = hostPort(address);
        String reason = reason(failure);
        IOException explained;
        if (reason.contains("in use")) {
            explained = new IOException(what + " cannot listen on " + where
                    + " because another program (or another responder) already listens there; stop it or change " + setting + ".");
        } else if (reason.contains("permission denied") || reason.contains("access denied")) {
            explained = new IOException(what + " cannot listen on " + where + " because this user may not use that port"
                    + " (below 1024 needs root or CAP_NET_BIND_SERVICE); grant that or change " + setting + ".");
        } else if (reason.contains("assign requested address")) {
            explained = new IOException(what + " cannot listen on " + where + " because that address is not one of this"
                    + " machine's; change " + setting + ".");
        } else {
            explained = new IOException(what + " cannot listen on " + where + " (" + reason + "); check " + setting + ".");
        }
        explained.initCause(failure);
        return explained;
    }

    /** Whether {@code failure} says the port is taken. */
    public static boolean inUse(Throwable failure) {
        return reason(failure).contains("in use");
    }

    static String hostPort(InetSocketAddress address) {
        String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** The message of the innermost bind failure (Jetty wraps it), lower case. */
    private static String reason(Throwable failure) {
        Throwable bind = failure;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                bind = cause;
                break;
            }
        }
        String message = bind.getMessage() == null ? bind.getClass().getSimpleName() : bind.getMessage();
        return message.toLowerCase(Locale.ROOT);
    }
}
