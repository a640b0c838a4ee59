package dev.autotls.internal.engine;

import dev.autotls.CertificateEvent;
import dev.autotls.FailureEvent;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The values behind the public event interfaces that {@link CertificateManager} hands to listeners. */
final class MaintenanceEvents {
    private MaintenanceEvents() {
    }

    record Served(List<String> names, X509Certificate certificate, Duration took, String strategy)
            implements CertificateEvent {
        Served {
            names = List.copyOf(names);
        }
    }

    record Failed(List<String> names, Throwable cause, int failures, Instant nextAttempt) implements FailureEvent {
        Failed {
            names = List.copyOf(names);
        }
    }
}
