package dev.autotls.testing;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** A plain JSSE client: handshakes with SNI against loopback and fetches a page over HTTP/1.1. */
public final class TlsClient {
    private final TrustManager[] trustManagers;
    private final boolean verifyName;

    private TlsClient(TrustManager[] trustManagers, boolean verifyName) {
        this.trustManagers = trustManagers;
        this.verifyName = verifyName;
    }

    /** Trusts only {@code anchors} and checks that the certificate is for the SNI name. */
    public static TlsClient trusting(Collection<X509Certificate> anchors) throws Exception {
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(TestCertificates.trustStore(anchors));
        return new TlsClient(factory.getTrustManagers(), true);
    }

    /** Accepts any certificate: for looking at what is served, not for trusting it. */
    public static TlsClient inspecting() {
        return new TlsClient(new TrustManager[] {trustAll()}, false);
    }

    /** A trust manager that accepts every server certificate (benchmarks and inspection only). */
    public static X509TrustManager trustAll() {
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
    }

    private SSLSocket connect(int port, String serverName) throws Exception {
        return connect(port, serverName, null);
    }

    /** @param protocols the ALPN protocols to offer, or null to send no ALPN extension */
    private SSLSocket connect(int port, String serverName, String[] protocols) throws Exception {
        // a fresh context per connection: no session resumption, every handshake is a full one
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers, null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(serverName)));
        if (verifyName) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // JSSE checks the SNI name against the certificate
        }
        if (protocols != null) {
            parameters.setApplicationProtocols(protocols);
        }
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    /**
     * Handshakes with the server at the IP literal {@code address} the way a client does for an
     * address: without SNI (the JDK sends none when connecting to an IP literal, RFC 6066 section 3;
     * checked here, not assumed). A trusting client also checks that the certificate is for the
     * address, which only an iPAddress SAN satisfies. Returns the leaf the server presented.
     */
    public X509Certificate leafWithoutSni(String address, int port) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(address, port)) {
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            if (parameters.getServerNames() != null && !parameters.getServerNames().isEmpty()) { // null: none
                throw new AssertionError("the JDK would send SNI " + parameters.getServerNames() + " to " + address);
            }
            if (verifyName) {
                parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the address against the certificate's iPAddress SANs
            }
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    /** Handshakes and returns the leaf certificate the server presented. */
    public X509Certificate leaf(int port, String serverName) throws Exception {
        try (SSLSocket socket = connect(port, serverName)) {
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    /**
     * One handshake offering the ALPN {@code protocols} (none: no ALPN extension): what the
     * server presented and chose, and, when it chose {@code acme-tls/1}, whether it then closed
     * the connection unasked as RFC 8737 wants (other protocols are not waited for: false).
     */
    public Handshake handshake(int port, String serverName, String... protocols) throws Exception {
        try (SSLSocket socket = connect(port, serverName, protocols.length == 0 ? null : protocols)) {
            X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            String chosen = socket.getApplicationProtocol();
            boolean closed = false;
            if ("acme-tls/1".equals(chosen)) {
                socket.setSoTimeout(5_000);
                try {
                    closed = socket.getInputStream().read() < 0;
                } catch (java.net.SocketTimeoutException stillOpen) {
                    closed = false;
                }
            }
            return new Handshake(leaf, chosen, closed);
        }
    }

    /** What one {@link #handshake} saw: the leaf certificate, the ALPN protocol chosen ("" for none), whether the server closed. */
    public record Handshake(X509Certificate leaf, String protocol, boolean closedByServer) {
    }

    /** GETs {@code path} on a new connection; returns the status line and body. */
    public Page get(int port, String serverName, String path) throws Exception {
        try (SSLSocket socket = connect(port, serverName)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + serverName + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String response = all.toString(StandardCharsets.UTF_8);
            int split = response.indexOf("\r\n\r\n");
            String statusLine = response.substring(0, response.indexOf("\r\n"));
            return new Page(Integer.parseInt(statusLine.split(" ")[1]), split < 0 ? "" : response.substring(split + 4),
                    (X509Certificate) socket.getSession().getPeerCertificates()[0],
                    split < 0 ? response : response.substring(0, split), socket.getSession().getProtocol());
        }
    }

    /** Opens a connection that stays open for several requests (HTTP/1.1 keep-alive). */
    public KeepAlive keepAlive(int port, String serverName) throws Exception {
        return new KeepAlive(connect(port, serverName), serverName);
    }

    /** One TLS connection, several requests in turn. */
    public static final class KeepAlive implements AutoCloseable {
        private final SSLSocket socket;
        private final String serverName;
        private final java.io.BufferedInputStream in;

        KeepAlive(SSLSocket socket, String serverName) throws Exception {
            this.socket = socket;
            this.serverName = serverName;
            this.in = new java.io.BufferedInputStream(socket.getInputStream());
        }

        public Page get(String path) throws Exception {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + serverName + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String statusLine = line();
            int length = 0;
            for (String header = line(); !header.isEmpty(); header = line()) {
                if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring(15).trim());
                }
            }
            byte[] body = in.readNBytes(length);
            return new Page(Integer.parseInt(statusLine.split(" ")[1]), new String(body, StandardCharsets.UTF_8),
                    (X509Certificate) socket.getSession().getPeerCertificates()[0], statusLine, socket.getSession().getProtocol());
        }

        private String line() throws java.io.IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new java.io.EOFException("connection closed mid-response");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }

    /** A fetched page, the certificate it came with, the response head and the TLS protocol. */
    public record Page(int status, String body, X509Certificate certificate, String head, String protocol) {
        /** The value of response header {@code name}, or null. */
        public String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }
}
