package dev.autotls.internal.ops;

import dev.autotls.Setting;
import dev.autotls.internal.config.AutoTlsConfig;
import dev.autotls.internal.jetty.ListenFailure;
import dev.autotls.internal.ops.Doctor.Finding;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether {@code serve} could listen on its ports: each is bound for a moment and let go. In use
 * usually means another autotls (or web server) already runs here; refused means a privileged
 * port without the privilege.
 */
final class PortCheck {
    private final AutoTlsConfig config;

    PortCheck(AutoTlsConfig config) {
        this.config = config;
    }

    List<Finding> check() {
        List<Finding> findings = new ArrayList<>();
        findings.add(port("HTTPS", Setting.HTTPS_PORT, config.httpsPort()));
        if (config.httpPort() >= 0) {
            findings.add(port("HTTP", Setting.HTTP_PORT, config.httpPort()));
        }
        return findings;
    }

    private Finding port(String what, Setting setting, int port) {
        if (port == 0) {
            return Finding.ok(what + " port: " + config.names().of(setting) + " = 0, a free port is chosen at start.");
        }
        String host = config.bindAddress().orElse(null);
        String where = (host == null ? "" : host + ":") + port;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(host == null ? new InetSocketAddress(port) : new InetSocketAddress(host, port));
            return Finding.ok(what + " port " + where + " can be bound.");
        } catch (BindException e) {
            String reason = ListenFailure.reason(e);
            if (ListenFailure.denied(reason)) {
                return Finding.fail(ListenFailure.sentence(config.names(), setting, port, reason) + ".");
            }
            if (ListenFailure.inUse(reason)) {
                return Finding.warn(what + " port " + where + " is in use by a program that is not this site (it does not "
                        + "serve this storage's certificates); stop it before serve, or set "
                        + config.names().assignment(setting, "PORT") + " to a free port.");
            }
            return Finding.fail(what + " port " + where + " cannot be bound (" + e.getMessage() + "); check "
                    + config.names().of(Setting.BIND) + " and " + config.names().of(setting) + ".");
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            return Finding.fail(what + " port " + where + " cannot be bound (" + e.getMessage() + "); check "
                    + config.names().of(Setting.BIND) + " and " + config.names().of(setting) + ".");
        }
    }
}
