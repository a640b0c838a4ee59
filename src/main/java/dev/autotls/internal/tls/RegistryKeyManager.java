package dev.autotls.internal.tls;

import java.net.InetAddress;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A server-side key manager that answers every handshake from a {@link CertificateRegistry}.
 *
 * <p>This is the handshake hot path: it reads the requested SNI name, looks it up in
 * memory and hands JSSE an alias that names one immutable {@link CertifiedKey}. No I/O,
 * no locks, with one bounded exception: a managed name whose certificate memory does not hold
 * waits for it to be loaded ({@link CertificateRegistry#awaitLoad}, shared with every handshake
 * for it), {@link CertificateRegistry#LOAD_WAIT} at most in all for one handshake whatever the
 * number of key types JSSE asks for; then the handshake gets no certificate (an alert) instead of
 * a wrong one or a hang. A handshake without SNI gets an IP address certificate when there is one (clients
 * send no SNI for an address): the one for the local address the connection arrived at, else the
 * first. Unknown SNI, and missing SNI with no address certificate, get the registry's fallback
 * entry, so clients that send no SNI still complete a handshake. A handshake that negotiated ALPN {@code acme-tls/1}
 * gets only the name's {@link ValidationCertificates tls-alpn-01 validation certificate}, and
 * no certificate at all (the handshake fails) for a name not under validation. It never acts
 * as a client key manager.
 *
 * <p>With on demand on, a name with no certificate (or only the temporary one) is handed to the
 * {@link HandshakeWait}, the one bounded wait of this path; what it answered is kept in the
 * handshake's session, because JSSE asks once per key type it may use and the wait must happen once.
 */
public final class RegistryKeyManager extends X509ExtendedKeyManager {
    /** The handshake session's value holding what the {@link HandshakeWait} answered (an alias, or {@link #REFUSED}). */
    static final String ON_DEMAND_ANSWER = "dev.autotls.on-demand";
    /** The handshake session's value holding until when (System.nanoTime) it may wait for its certificate's load. */
    static final String LOAD_DEADLINE = "dev.autotls.load-deadline";
    private static final String REFUSED = "";

    private final CertificateRegistry registry;
    /** Null while on demand is off: unknown names get the fallback, as before. */
    private volatile HandshakeWait onDemand;

    public RegistryKeyManager(CertificateRegistry registry) {
        this.registry = registry;
    }

    /** Hands names without a CA-issued certificate to {@code wait} from now on (on demand). */
    public void onDemand(HandshakeWait wait) {
        this.onDemand = wait;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return engine == null ? choose(keyType, null, null, null, null)
                : choose(keyType, engine.getHandshakeSession(), applicationProtocol(engine), engine, null);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        if (!(socket instanceof SSLSocket)) {
            return choose(keyType, null, null, null, socket);
        }
        SSLSocket tls = (SSLSocket) socket;
        return choose(keyType, tls.getHandshakeSession(), applicationProtocol(tls), null, tls);
    }

    /** @param engine or {@code socket}: the connection, for its local address (either may be null) */
    private String choose(String keyType, SSLSession handshake, String protocol, SSLEngine engine, Socket socket) {
        String requested = requestedName(handshake);
        if (ValidationCertificates.ACME_TLS_1.equals(protocol)) {
            // RFC 8737: an acme-tls/1 handshake gets the validation certificate or none at all
            CertifiedKey validation = registry.validations().find(requested);
            return validation != null && validation.keyType().equals(keyType) ? validation.alias() : null;
        }
        CertifiedKey entry = registry.find(requested);
        if (entry == null && requested != null) {
            String certificate = registry.toLoad(requested);
            if (certificate != null) { // managed, but not in memory: the one load a handshake waits for
                entry = loaded(certificate, handshake);
                if (entry == null) {
                    return null; // not loaded in time: no certificate, the handshake fails with an alert
                }
            }
        }
        HandshakeWait wait = onDemand;
        if (wait != null && requested != null && (entry == null || entry.selfSigned())) {
            entry = onDemand(wait, requested, entry, handshake, engine, socket);
            if (entry == null) {
                return null; // refused or not obtained in time: no certificate, the handshake fails with an alert
            }
        } else if (entry == null && requested == null && registry.servesAddresses()) {
            entry = registry.forAddress(localAddress(engine, socket));
        }
        if (entry == null) {
            entry = registry.fallbackEntry();
        }
        if (entry == null || !entry.keyType().equals(keyType)) {
            return null; // JSSE asks again for its other key types
        }
        return entry.alias();
    }

    /**
     * The certificate {@code firstName} once loaded, within this handshake's one {@link CertificateRegistry#LOAD_WAIT}
     * (begun at its first key type); null when the load failed or the wait is over, and from then on at once.
     */
    private CertifiedKey loaded(String firstName, SSLSession handshake) {
        long now = System.nanoTime();
        Object begun = handshake.getValue(LOAD_DEADLINE);
        long deadline;
        if (begun instanceof Long until) {
            deadline = until;
        } else {
            deadline = now + CertificateRegistry.LOAD_WAIT.toNanos();
            handshake.putValue(LOAD_DEADLINE, deadline);
        }
        if (deadline - now <= 0) {
            return null; // waited already in this handshake: its other key types fail at once, with no new load
        }
        CertifiedKey entry = registry.awaitLoad(firstName, deadline - now);
        if (entry == null) {
            handshake.putValue(LOAD_DEADLINE, now); // failed or timed out: the same for its other key types
        }
        return entry;
    }

    /** What {@code wait} answers for this handshake, asked once whatever the number of key types JSSE tries. */
    private CertifiedKey onDemand(HandshakeWait wait, String requested, CertifiedKey found, SSLSession handshake, SSLEngine engine,
                                  Socket socket) {
        Object earlier = handshake.getValue(ON_DEMAND_ANSWER);
        if (earlier instanceof String alias) {
            return alias.isEmpty() ? null : registry.byAlias(alias);
        }
        CertifiedKey answer = wait.serve(requested, found, peerHost(engine, socket));
        handshake.putValue(ON_DEMAND_ANSWER, answer == null ? REFUSED : answer.alias());
        return answer;
    }

    /** The client's address as text, as the connection shows it (never looked up in DNS); null when unknown. */
    private static String peerHost(SSLEngine engine, Socket socket) {
        if (engine != null) {
            return engine.getPeerHost();
        }
        return socket != null && socket.getInetAddress() != null ? socket.getInetAddress().getHostAddress() : null;
    }

    /**
     * The address the client connected to: the socket's own, or what the connector recorded for the
     * engine (only connectors autotls installed do); null when unknown.
     */
    private InetAddress localAddress(SSLEngine engine, Socket socket) {
        if (engine != null) {
            return registry.localAddresses().of(engine);
        }
        return socket != null ? socket.getLocalAddress() : null;
    }

    /**
     * The protocol ALPN chose in this handshake, if it chose one yet. With TLS 1.3 the JDK picks
     * it before the certificate; with TLS 1.2 only afterwards, so a TLS 1.2 {@code acme-tls/1}
     * handshake gets the ordinary certificate (and fails validation): CAs validate over TLS 1.3.
     */
    private static String applicationProtocol(SSLEngine engine) {
        try {
            return engine.getHandshakeApplicationProtocol();
        } catch (UnsupportedOperationException notJdk) {
            return null;
        }
    }

    private static String applicationProtocol(SSLSocket socket) {
        try {
            return socket.getHandshakeApplicationProtocol();
        } catch (UnsupportedOperationException notJdk) {
            return null;
        }
    }

    private static String requestedName(SSLSession handshake) {
        if (!(handshake instanceof ExtendedSSLSession)) {
            return null;
        }
        List<SNIServerName> names = ((ExtendedSSLSession) handshake).getRequestedServerNames();
        for (int i = 0; i < names.size(); i++) {
            SNIServerName name = names.get(i);
            if (name.getType() == StandardConstants.SNI_HOST_NAME && name instanceof SNIHostName) {
                return ((SNIHostName) name).getAsciiName();
            }
        }
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        CertifiedKey entry = registry.byAlias(alias);
        return entry == null ? null : entry.chain();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        CertifiedKey entry = registry.byAlias(alias);
        return entry == null ? null : entry.privateKey();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return registry.snapshot().values().stream()
                .filter(e -> e.keyType().equals(keyType)).map(CertifiedKey::alias).distinct().toArray(String[]::new);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }
}
