package dev.autotls.internal.jetty;

import dev.autotls.AutoTls;
import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import dev.autotls.internal.config.AutoTlsConfig;
import dev.autotls.internal.config.StartupChecks;
import dev.autotls.internal.tls.LocalAddresses;
import java.io.IOException;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * What {@link AutoTls#installOn} adds to a server: the HTTPS connector (attached to autotls),
 * the HTTP connector with its challenge handler in front of the application, and the
 * management listener when it is configured. Ports are bound here, so a port in use fails at
 * install, naming the setting.
 */
public final class Installation {
    private final ServerConnector https;
    private final ServerConnector http;
    private final ServerConnector management;
    private final HttpChallengeHandler challenges;

    private Installation(ServerConnector https, ServerConnector http, ServerConnector management,
                         HttpChallengeHandler challenges) {
        this.https = https;
        this.http = http;
        this.management = management;
        this.challenges = challenges;
    }

    /** @param addresses where the HTTPS connector notes each connection's local address, for IP certificates */
    public static Installation on(Server server, AutoTls autoTls, AutoTlsConfig config, LocalAddresses addresses,
                           Function<ServerConnector, HttpChallengeHandler> challengeHandlerFor) {
        String host = config.bindAddress().orElse(null);
        ServerConnector https = TlsConnectors.https(server, host, config.httpsPort(), addresses);
        autoTls.attach(https);
        open(https, config, Setting.HTTPS_PORT, config.httpsPort());
        server.addConnector(https);
        ServerConnector http = null;
        HttpChallengeHandler challenges = null;
        if (config.httpPort() >= 0) {
            http = TlsConnectors.http(server, host, config.httpPort(), config.httpsPort());
            open(http, config, Setting.HTTP_PORT, config.httpPort());
            server.addConnector(http);
            challenges = challengeHandlerFor.apply(http);
            challenges.setHandler(server.getHandler());
            server.setHandler(challenges);
        }
        ServerConnector management = null;
        if (config.managementPort() >= 0) {
            management = new ServerConnector(server);
            management.setName("autotls-management");
            management.setHost(config.managementBind());
            management.setPort(config.managementPort());
            open(management, config, Setting.MANAGEMENT_PORT, config.managementPort());
            server.addConnector(management);
            ConnectorRoute route = new ConnectorRoute(management, autoTls.managementHandler());
            route.setHandler(server.getHandler());
            server.setHandler(route);
        }
        return new Installation(https, http, management, challenges);
    }

    /**
     * {@link #on}, then tells {@code installed} (the composition root, for the warm start's self-requests) and adds
     * {@code autoTls} to the server as a bean, so it starts and stops with it.
     */
    public static Installation install(Server server, AutoTls autoTls, AutoTlsConfig config, LocalAddresses addresses,
                                       Function<ServerConnector, HttpChallengeHandler> challengeHandlerFor,
                                       BiConsumer<Server, Installation> installed) {
        Installation installation = on(server, autoTls, config, addresses, challengeHandlerFor);
        installed.accept(server, installation);
        server.addBean(autoTls);
        return installation;
    }

    /** Makes {@code factory} serve from {@code context} (autotls's key manager), keeping everything else it has. */
    public static void attach(SslContextFactory.Server factory, SSLContext context) {
        factory.setSslContext(context);
        // the key manager picks by SNI from the registry; Jetty's own alias selection only knows keystores
        factory.setSniRequired(false);
    }

    /**
     * The TLS factory of {@code connector}, once it is checked that tls-alpn-01 can be answered on it when it is the
     * challenge.
     *
     * @throws IllegalArgumentException if the connector has no TLS
     */
    public static SslContextFactory.Server tlsFactoryOf(ServerConnector connector, AutoTlsConfig config) {
        SslConnectionFactory tls = connector.getConnectionFactory(SslConnectionFactory.class);
        if (tls == null) {
            throw new IllegalArgumentException("the connector " + connector + " has no TLS (no SslConnectionFactory); "
                    + "attach autotls to the HTTPS connector");
        }
        StartupChecks.acceptAcmeTls(config, connector); // tls-alpn-01 answers on it; a bare factory cannot negotiate acme-tls/1
        return tls.getSslContextFactory();
    }

    private static void open(ServerConnector connector, AutoTlsConfig config, Setting setting, int port) {
        try {
            connector.open();
        } catch (IOException e) {
            throw new ConfigurationException(ListenFailure.sentence(config.names(), setting, port, ListenFailure.reason(e)), e);
        }
    }

    /** Refuses to start when the application replaced the server's handler after installing (the challenge handler is gone). */
    public void requireChallengeHandlerIn(Server server) {
        if (challenges == null) {
            return;
        }
        Handler current = server.getHandler();
        while (current != null) {
            if (current == challenges) {
                return;
            }
            current = current instanceof Handler.Wrapper ? ((Handler.Wrapper) current).getHandler() : null;
        }
        throw new IllegalStateException("the server's handler was replaced after AutoTls was installed; "
                + "call installOn(server) after server.setHandler(...)");
    }

    /** The HTTPS connector's actual port (the configured one may be 0). */
    public int httpsPort() {
        return https.getLocalPort();
    }

    /** The HTTP connector's actual port, -1 when it is off. */
    public int httpPort() {
        return http == null ? -1 : http.getLocalPort();
    }

    /** The management listener's actual port, -1 when it is off. */
    public int managementPort() {
        return management == null ? -1 : management.getLocalPort();
    }
}
