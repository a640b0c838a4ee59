package dev.autotls.internal.engine;

import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.TransientException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.shredzone.acme4j.exception.AcmeException;

/** The DNS records the owner must create once, gathered from each certificate's strategy ({@code records}, {@link AutoTls#requiredRecords}). */
public final class RequiredRecords {
    private RequiredRecords() {
    }

    /** Zone-file lines for every certificate, in order; a strategy that cannot work them out now is a transient failure naming the certificate. */
    public static List<String> of(List<ManagedCertificate> certificates) throws AutoTlsException, InterruptedException {
        List<String> lines = new ArrayList<>();
        for (ManagedCertificate certificate : certificates) {
            try {
                lines.addAll(certificate.strategy.requiredRecords(certificate.names));
            } catch (IOException e) {
                throw new TransientException("could not work out the records for " + certificate + ": " + e.getMessage(), e);
            } catch (AcmeException e) {
                throw new TransientException("the CA did not answer while working out the records for " + certificate + ": "
                        + e.getMessage(), e);
            }
        }
        return lines;
    }
}
