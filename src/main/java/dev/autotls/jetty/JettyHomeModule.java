package dev.autotls.jetty;

import dev.autotls.AutoTls;
import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * What the jetty-home module's {@code etc/autotls.xml} builds: it is handed every
 * {@code autotls.*} Jetty property (unset ones as null, ignored), then {@link #install}s
 * autotls on the connectors that jetty-home's {@code https} and {@code http} modules made.
 *
 * <p>Ports belong to Jetty: {@code jetty.ssl.port} and {@code jetty.http.port} say where the
 * connectors listen, and autotls takes them; an {@code autotls.https.port} or
 * {@code autotls.http.port} that says otherwise stops start-up.
 */
public final class JettyHomeModule {
    private final Map<Setting, String> given = new EnumMap<>(Setting.class);

    /** Made by the module's {@code autotls.xml}, which then sets each property and calls {@link #install}. */
    public JettyHomeModule() {
    }

    /** One Jetty property; a null or blank value (the property is unset) is ignored. */
    public void set(String key, String value) {
        Setting setting = Arrays.stream(Setting.values()).filter(s -> s.key().equals(key)).findFirst()
                .orElseThrow(() -> new ConfigurationException(key + " is not an autotls setting"));
        if (value != null && !value.isBlank()) {
            given.put(setting, value.trim());
        }
    }

    /**
     * Builds autotls from the properties set (system properties and {@code AUTOTLS_*} still win,
     * as everywhere), makes {@code https}'s TLS factory serve its certificates, puts its http-01
     * handler in front of the server's handlers and adds it to the server as a bean.
     *
     * @throws ConfigurationException if a setting is wrong or a port disagrees with Jetty's
     */
    public AutoTls install(Server server, ServerConnector https, ServerConnector http) {
        AutoTls.Builder builder = AutoTls.builder();
        given.forEach(builder::set);
        builder.set(Setting.HTTPS_PORT, given.getOrDefault(Setting.HTTPS_PORT, String.valueOf(https.getPort())));
        builder.set(Setting.HTTP_PORT, given.getOrDefault(Setting.HTTP_PORT, String.valueOf(http.getPort())));
        AutoTls autoTls = builder.build();
        requireSamePort(Setting.HTTPS_PORT, autoTls.httpsPort(), "jetty.ssl.port", https.getPort());
        if (autoTls.httpPort() >= 0) { // off: no http-01, the connector stays Jetty's business
            requireSamePort(Setting.HTTP_PORT, autoTls.httpPort(), "jetty.http.port", http.getPort());
        }
        autoTls.attach(https);
        server.insertHandler(autoTls.challengeHandler());
        server.addBean(autoTls);
        return autoTls;
    }

    private static void requireSamePort(Setting setting, int autotlsPort, String jettyName, int jettyPort) {
        if (autotlsPort != jettyPort) {
            throw new ConfigurationException(setting.key() + " = " + autotlsPort + " but " + jettyName + " = " + jettyPort
                    + ": with jetty-home the connector listens on " + jettyName + ", so remove " + setting.key()
                    + " or give both the same value.");
        }
    }
}
