package dev.autotls.internal.acme;

import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.util.Optional;
import org.shredzone.acme4j.connector.NetworkSettings;

/**
 * An outbound HTTP proxy for the CA and acme-dns connections ({@code autotls.proxy}:
 * {@code [user:password@]host:port}). HTTPS goes through it with CONNECT. The password is
 * never shown: {@link #toString} names only the host and port.
 */
public record ProxySetting(String host, int port, Optional<String> user, Optional<String> password) {

    /**
     * Parses {@code [user:password@]host:port}.
     *
     * @throws IllegalArgumentException saying what is wrong, without the password
     */
    public static ProxySetting parse(String value) {
        String rest = value.trim();
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String credentials = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = credentials.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("the credentials before @ must be user:password");
            }
            user = Optional.of(credentials.substring(0, colon));
            password = Optional.of(credentials.substring(colon + 1));
        }
        if (rest.startsWith("http://")) {
            rest = rest.substring("http://".length());
        }
        int colon = rest.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("give host:port, e.g. proxy.example.com:3128");
        }
        String host = rest.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(rest.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the port after the last : must be a number from 1 to 65535");
        }
        return new ProxySetting(host, port, user, password);
    }

    public ProxySelector selector() {
        return ProxySelector.of(InetSocketAddress.createUnresolved(host, port));
    }

    /** Credentials for the proxy only (a server asking for them gets none). */
    public Optional<Authenticator> authenticator() {
        if (user.isEmpty()) {
            return Optional.empty();
        }
        char[] secret = password.orElse("").toCharArray();
        String name = user.get();
        return Optional.of(new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return getRequestorType() == RequestorType.PROXY ? new PasswordAuthentication(name, secret.clone()) : null;
            }
        });
    }

    void applyTo(NetworkSettings settings) {
        settings.setProxySelector(selector());
        authenticator().ifPresent(settings::setAuthenticator);
    }

    /** The proxy for a client built elsewhere (the acme-dns client). */
    public HttpClient.Builder applyTo(HttpClient.Builder builder) {
        builder.proxy(selector());
        authenticator().ifPresent(builder::authenticator);
        return builder;
    }

    @Override
    public String toString() {
        return host + ":" + port + (user.isPresent() ? " (with credentials)" : "");
    }
}
