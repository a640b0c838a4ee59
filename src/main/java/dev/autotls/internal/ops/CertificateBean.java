package dev.autotls.internal.ops;

import dev.autotls.internal.Assembly;
import dev.autotls.CertificateStatus;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.eclipse.jetty.util.annotation.ManagedOperation;

/**
 * One managed certificate as a Jetty managed object: with an {@code MBeanContainer} on the
 * server it appears in JMX as {@code dev.autotls:type=certificatebean,...}. Every attribute
 * reads the current {@link CertificateStatus} snapshot of the certificate with its first name
 * (not a position in a list, which moves as names are managed and unmanaged); it is removed
 * with the certificate ({@link CertificateBeans}).
 */
@ManagedObject("A certificate autotls keeps valid")
public final class CertificateBean {
    private final Assembly assembly;
    private final String firstName;

    CertificateBean(Assembly assembly, String firstName) {
        this.assembly = assembly;
        this.firstName = firstName;
    }

    private CertificateStatus status() {
        return assembly.status(firstName).orElseThrow(() -> new IllegalStateException(firstName + " is no longer managed"));
    }

    @ManagedAttribute("The names it covers")
    public String getNames() {
        return String.join(",", status().names());
    }

    @ManagedAttribute("Where each name came from: name=CONFIGURED, MANAGED or ON_DEMAND, comma-separated")
    public String getOrigins() {
        StringBuilder text = new StringBuilder();
        status().origins().forEach((name, origin) -> text.append(text.length() == 0 ? "" : ",").append(name).append('=')
                .append(origin.name()));
        return text.toString();
    }

    @ManagedAttribute("The validation strategy and why it was chosen")
    public String getStrategy() {
        return status().strategy() + ": " + status().strategyReason();
    }

    @ManagedAttribute("Serial of the served certificate (hex)")
    public String getSerial() {
        return status().serial().orElse("");
    }

    @ManagedAttribute("Issuer of the served certificate")
    public String getIssuer() {
        return status().issuer().orElse("");
    }

    @ManagedAttribute("Start of validity (ISO-8601)")
    public String getNotBefore() {
        return status().notBefore().toString();
    }

    @ManagedAttribute("End of validity (ISO-8601)")
    public String getNotAfter() {
        return status().notAfter().toString();
    }

    @ManagedAttribute("Where it came from: CA, STORED or TEMPORARY")
    public String getSource() {
        return status().source().name();
    }

    @ManagedAttribute("The last attempt and its outcome")
    public String getLastOutcome() {
        CertificateStatus status = status();
        return status.lastAttempt().map(at -> at + ": " + status.lastOutcome().orElse("")).orElse("none yet");
    }

    @ManagedAttribute("When maintenance looks next (ISO-8601)")
    public String getNextAttempt() {
        return status().nextAttempt().map(Object::toString).orElse("");
    }

    @ManagedAttribute("What the owner must do, or empty")
    public String getOwnerAction() {
        return status().ownerAction().orElse("");
    }

    @ManagedOperation(value = "Order a new certificate now (respects the lease and the CA circuit)", impact = "ACTION")
    public void renew() {
        if (!assembly.manager().renewNow(firstName)) {
            throw new IllegalStateException(firstName + " is no longer managed");
        }
    }
}
