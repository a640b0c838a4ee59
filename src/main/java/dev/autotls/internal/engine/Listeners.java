package dev.autotls.internal.engine;

import dev.autotls.AutoTlsListener;
import dev.autotls.CertificateEvent;
import dev.autotls.CertificateStatus;
import dev.autotls.FailureEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers events to every registered listener; one listener's exception never stops the others. */
public final class Listeners {
    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);
    private final List<AutoTlsListener> listeners = new CopyOnWriteArrayList<>();

    public void add(AutoTlsListener listener) {
        listeners.add(listener);
    }

    /** Another set with the same listeners (a builder may build several instances). */
    public Listeners copy() {
        Listeners copy = new Listeners();
        copy.listeners.addAll(listeners);
        return copy;
    }

    void obtained(CertificateEvent event) {
        each(listener -> listener.onObtained(event));
    }

    void renewed(CertificateEvent event) {
        each(listener -> listener.onRenewed(event));
    }

    void failed(FailureEvent event) {
        each(listener -> listener.onFailed(event));
    }

    void ownerActionNeeded(java.util.List<String> names, String sentence) {
        each(listener -> listener.onOwnerActionNeeded(names, sentence));
    }

    /** A permission check for a name on demand answered ({@code allowed} false also when it gave no answer). */
    public void onDemandChecked(String name, java.net.InetAddress client, boolean allowed) {
        each(listener -> listener.onOnDemandChecked(name, client, allowed));
    }

    void expiringSoon(CertificateStatus status) {
        each(listener -> listener.onExpiringSoon(status));
    }

    private void each(Consumer<AutoTlsListener> call) {
        for (AutoTlsListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("An AutoTlsListener threw; ignoring it: {}", e.toString());
            }
        }
    }
}
