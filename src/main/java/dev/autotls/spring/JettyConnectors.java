package dev.autotls.spring;

import dev.autotls.AutoTls;
import dev.autotls.ConfigurationException;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.springframework.boot.jetty.JettyServerCustomizer;

/**
 * Turns the server Spring Boot built into an autotls server: the connector on {@code server.port}
 * serves HTTPS from autotls (made TLS if Spring made it plain; attached if {@code server.ssl}
 * already made it TLS), a plain connector on {@code autotls.http.port} answers http-01 and
 * redirects, and the {@link AutoTls} becomes a bean of the connector the CA reaches.
 *
 * <p>Why a connector's bean and not the server's: Spring Boot starts the server while the
 * application context is still being made, with its connectors taken off, and puts them back
 * once it is ready. Started with that connector (already listening), autotls's first order can
 * never meet a refused http-01 request.
 */
final class JettyConnectors implements JettyServerCustomizer {
    private final AutoTls autoTls;

    JettyConnectors(AutoTls autoTls) {
        this.autoTls = autoTls;
    }

    @Override
    public void customize(Server server) {
        ServerConnector https = springConnector(server);
        if (https.getConnectionFactory(SslConnectionFactory.class) == null) {
            makeTls(https);
        }
        autoTls.attach(https);
        Connector reachedByCa = https;
        int httpPort = autoTls.httpPort();
        if (httpPort >= 0) {
            ServerConnector http = plainConnector(server, https, httpPort);
            server.addConnector(http);
            org.eclipse.jetty.server.Handler.Wrapper challenges = autoTls.challengeHandler(http);
            challenges.setHandler(server.getHandler());
            server.setHandler(challenges);
            reachedByCa = http;
        }
        ((ServerConnector) reachedByCa).addBean(autoTls, true);
    }

    private static ServerConnector springConnector(Server server) {
        for (Connector connector : server.getConnectors()) {
            if (connector instanceof ServerConnector serverConnector) {
                return serverConnector;
            }
        }
        throw new ConfigurationException("Spring Boot's Jetty server has no network connector on server.port "
                + "for autotls to serve HTTPS on; leave its connector in place, or remove autotls.domains");
    }

    /** TLS in front of the connector's own HTTP/1.1, keeping its HTTP configuration and customizers. */
    private static void makeTls(ServerConnector connector) {
        HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
        if (http == null) {
            throw new ConfigurationException("Spring Boot's connector on port " + connector.getPort()
                    + " speaks no HTTP/1.1, so autotls cannot put TLS in front of it");
        }
        HttpConfiguration config = http.getHttpConfiguration();
        config.setSecureScheme("https");
        config.setSecurePort(connector.getPort());
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // the key manager already picks the certificate by SNI; Jetty's own check only knows keystore certificates
        secure.setSniHostCheck(false);
        config.addCustomizer(secure);
        connector.addFirstConnectionFactory(new SslConnectionFactory(new SslContextFactory.Server(), http.getProtocol()));
    }

    private static ServerConnector plainConnector(Server server, ServerConnector https, int port) {
        HttpConfiguration config = new HttpConfiguration();
        config.setSecureScheme("https");
        config.setSecurePort(https.getPort());
        config.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(config));
        connector.setName("autotls-http");
        connector.setHost(https.getHost());
        connector.setPort(port);
        return connector;
    }
}
