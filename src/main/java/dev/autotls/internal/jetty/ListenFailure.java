package dev.autotls.internal.jetty;

import dev.autotls.Setting;
import dev.autotls.internal.config.SettingNames;
import java.net.BindException;
import java.util.Locale;

/**
 * One sentence for a connector that cannot listen, naming the setting as it was given, and the
 * fixes that work: a port below 1024 refused to an unprivileged user is fixed by a higher port,
 * by the capability to bind low ports, or by something privileged in front; "choose a free port"
 * would be wrong there. Shared by {@code serve} (at install) and {@code doctor}.
 */
public final class ListenFailure {
    /** Linux lets only privileged processes listen below this port (net.ipv4.ip_unprivileged_port_start). */
    private static final int PRIVILEGED_BELOW = 1024;
    private ListenFailure() {
    }

    /** The reason the operating system gave, from the innermost {@link BindException} (Jetty wraps it). */
    public static String reason(Throwable failure) {
        Throwable bind = failure;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                bind = cause;
                break;
            }
        }
        return bind.getMessage() == null ? bind.getClass().getSimpleName() : bind.getMessage();
    }

    /** Whether the operating system refused the port to this user (a privileged port). */
    public static boolean denied(String reason) {
        String lower = reason.toLowerCase(Locale.ROOT);
        return lower.contains("permission denied") || lower.contains("access denied");
    }

    /** Whether another program listens there already. */
    public static boolean inUse(String reason) {
        return reason.toLowerCase(Locale.ROOT).contains("in use");
    }

    /**
     * {@code --https.port = 443: ...; use ...}: why {@code setting} (on {@code port}) cannot be listened on, and what to do.
     */
    public static String sentence(SettingNames names, Setting setting, int port, String reason) {
        String head = names.of(setting) + " = " + port + ": ";
        if (denied(reason) && port >= PRIVILEGED_BELOW) {
            // not the low-port rule: a security policy (SELinux, a container's seccomp) refuses this port
            return head + "this user may not listen on port " + port + " (" + reason + "); choose another port, or allow "
                    + "this one in the system's security policy";
        }
        if (denied(reason) && setting == Setting.MANAGEMENT_PORT) {
            return head + "this user may not listen on a port below " + PRIVILEGED_BELOW + " (" + reason + "); use "
                    + names.assignment(Setting.MANAGEMENT_PORT, "9090") + " or another port from " + PRIVILEGED_BELOW;
        }
        if (denied(reason)) {
            return head + "this user may not listen on a port below " + PRIVILEGED_BELOW + " (" + reason + "); use "
                    + names.assignment(Setting.HTTPS_PORT, "8443") + " and " + names.assignment(Setting.HTTP_PORT, "8080")
                    + ", or let java bind low ports (sudo setcap cap_net_bind_service=+ep $(readlink -f $(which java))), "
                    + "or run behind a reverse proxy or an iptables redirect from " + port + " to "
                    + (setting == Setting.HTTP_PORT ? "8080" : "8443");
        }
        if (inUse(reason)) {
            return head + "another program already listens there (" + reason + "); stop it, or choose a free port";
        }
        if (reason.toLowerCase(Locale.ROOT).contains("assign requested address")) {
            return head + "cannot listen there because " + names.of(Setting.BIND) + " is not an address of this machine ("
                    + reason + "); change it, or leave it unset for all addresses";
        }
        return head + "cannot listen there (" + reason + "); choose a free port, or stop what uses it";
    }
}
