package dev.autotls.internal.ops;

import dev.autotls.Setting;
import dev.autotls.internal.config.AutoTlsConfig;
import dev.autotls.internal.ops.Doctor.Finding;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
            return Finding.ok(what + " port: " + setting.key() + " = 0, a free port is chosen at start.");
        }
        String host = config.bindAddress().orElse(null);
        String where = (host == null ? "" : host + ":") + port;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(host == null ? new InetSocketAddress(port) : new InetSocketAddress(host, port));
            return Finding.ok(what + " port " + where + " can be bound.");
        } catch (BindException e) {
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("permission denied") || message.contains("access denied")) {
                return Finding.fail(what + " port " + where + " may not be bound by this user (" + e.getMessage() + "): ports "
                        + "below 1024 are privileged; give java the right once (sudo setcap cap_net_bind_service=+ep "
                        + "\"$(readlink -f \"$(command -v java)\")\"), or lower net.ipv4.ip_unprivileged_port_start, or set "
                        + setting.key() + " to a port above 1023 and forward " + port + " to it.");
            }
            if (message.contains("in use")) {
                return Finding.warn(what + " port " + where + " is in use: another autotls or web server may be running "
                        + "here; stop it before serve, or set " + setting.key() + " to a free port.");
            }
            return Finding.fail(what + " port " + where + " cannot be bound (" + e.getMessage() + "); check "
                    + Setting.BIND.key() + " and " + setting.key() + ".");
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            return Finding.fail(what + " port " + where + " cannot be bound (" + e.getMessage() + "); check "
                    + Setting.BIND.key() + " and " + setting.key() + ".");
        }
    }
}
