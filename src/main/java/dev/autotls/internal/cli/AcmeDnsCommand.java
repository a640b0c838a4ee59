package dev.autotls.internal.cli;

import dev.autotls.AutoTls;
import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import dev.autotls.acmedns.AcmeDnsServer;
import dev.autotls.acmedns.ResponderConfig;
import dev.autotls.internal.acmedns.ConfigFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code acme-dns --config config.cfg}: the responder as a drop-in for acme-dns. With
 * {@code [api] tls = "letsencrypt"} or {@code "letsencryptstaging"} its API certificate
 * comes from autotls, validated by dns-01 through the responder's own zone.
 */
@Command(name = "acme-dns", mixinStandardHelpOptions = true,
        description = "Run the built-in acme-dns responder (authoritative DNS + acme-dns HTTP API) from acme-dns's config.cfg.")
public final class AcmeDnsCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, defaultValue = "/etc/acme-dns/config.cfg",
            description = "acme-dns configuration file (default: ${DEFAULT-VALUE})")
    Path config;

    /**
     * The help's footer, with the {@code [autotls]} keys from {@link ConfigFile#AUTOTLS_KEYS}, the list the file is
     * read by, so the help cannot name fewer keys than the responder accepts.
     */
    public static void describeIn(CommandSpec spec) {
        String text = "Settings: config.cfg holds them all, read as acme-dns reads it; extras go in an [autotls] section ("
                + String.join(", ", ConfigFile.AUTOTLS_KEYS) + "). With [api] tls = \"letsencrypt\" the API's own "
                + "certificate comes from autotls, which also reads -Dautotls.* and AUTOTLS_*.";
        List<String> footer = new ArrayList<>(List.of(""));
        footer.addAll(SettingOptions.wrapped(text, "", 80));
        spec.usageMessage().footer(footer.toArray(String[]::new));
    }

    @Override
    public Integer call() throws Exception {
        ResponderConfig settings;
        try {
            settings = ConfigFile.read(config);
        } catch (java.io.IOException e) {
            System.err.println("autotls acme-dns: " + e.getMessage());
            return 2;
        }
        AcmeDnsServer responder;
        try {
            responder = AcmeDnsServer.start(settings);
        } catch (java.io.IOException e) {
            System.err.println("autotls acme-dns: " + e.getMessage()); // one sentence that names the setting
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(responder::close, "acmedns-shutdown"));
        if (settings.apiTls().startsWith("letsencrypt")) {
            try {
                installAutoTls(responder, settings);
            } catch (ConfigurationException e) {
                System.err.println("autotls acme-dns: " + e.getMessage());
                responder.close();
                return 2;
            }
            try {
                responder.startApi();
            } catch (java.io.IOException e) {
                System.err.println("autotls acme-dns: " + e.getMessage());
                responder.close();
                return 1;
            }
        }
        new CountDownLatch(1).await(); // runs until the process is stopped
        return 0;
    }

    /** The API's own certificate for the zone name, through this library, answered from the responder's zone. */
    private static void installAutoTls(AcmeDnsServer responder, ResponderConfig settings) {
        AutoTls.Builder builder = AutoTls.builder()
                .domains(settings.zone())
                .ca(settings.apiTls().equals("letsencryptstaging") ? "letsencrypt-staging" : "letsencrypt")
                .storage(settings.acmeCacheDir() != null ? settings.acmeCacheDir() : Path.of("api-certs"))
                .httpsPort(settings.apiAddress().getPort())
                .set(Setting.HTTP_PORT, "off")
                .agreeToTermsOfService(true) // choosing tls = letsencrypt in config.cfg is acme-dns's way of agreeing
                .dnsPublisher(responder::publishTxt);
        if (!settings.apiAddress().getAddress().isAnyLocalAddress()) {
            builder.bind(settings.apiAddress().getAddress().getHostAddress());
        }
        if (!settings.notificationEmail().isBlank()) {
            builder.email(settings.notificationEmail());
        }
        builder.build().installOn(responder.apiServer());
    }
}
