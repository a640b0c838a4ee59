package dev.autotls.internal.acme;

import dev.autotls.internal.tls.KeyType;
import java.io.IOException;
import java.util.List;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.Connection;
import org.shredzone.acme4j.connector.NonceHolder;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.toolbox.JSONBuilder;
import org.shredzone.acme4j.toolbox.JoseUtils;

/**
 * The parts of a first order that cost a cold JVM most, done ahead of it while the server
 * starts: a nonce (the HEAD the first signed request would send anyway), one JWS signature
 * and one CSR made locally and thrown away, so their classes are loaded and their code
 * compiled before an order waits on them. Sends nothing the order would not send.
 */
final class CaWarmUp {
    private CaWarmUp() {
    }

    static void afterLogin(Session session, Login login) throws AcmeException, IOException {
        try (NonceHolder holder = session.lockNonce()) { // the lock is reentrant: resetNonce takes it again
            if (holder.getNonce() == null) { // an order that began meanwhile has one already
                try (Connection connection = session.connect()) {
                    connection.resetNonce(session);
                }
            }
        }
        JoseUtils.createJoseRequest(login.getAccountLocation(), login.getKeyPair(), new JSONBuilder().put("warm", "up"),
                "d2FybS11cA", login.getAccountLocation().toString());
        OrderFlow.csr(List.of("warm-up.invalid"), KeyType.EC256.generate());
    }
}
