package dev.autotls.internal.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autotls.internal.Assembly;
import dev.autotls.internal.config.AutoTlsConfig;
import dev.autotls.internal.engine.ManagedCertificate;
import dev.autotls.internal.ops.Doctor.Finding;
import dev.autotls.internal.store.CertificateFiles;
import dev.autotls.internal.store.StorageFailures;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.internal.store.StoredCertificate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The site this configuration belongs to, as {@code doctor} finds it: whether it is running
 * here (its management listener answers, or its HTTPS port serves the certificate its storage
 * holds, or its temporary one), and each certificate's issuer, expiry and renewal. Run beside
 * the running site, doctor then reports the site instead of warning that its own ports are taken.
 */
final class SiteCheck {
    private static final Duration PATIENCE = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The findings, and whether the site runs here (then it holds its ports, and they need no check). */
    record Result(List<Finding> findings, boolean running) {
    }

    private final Assembly site;
    private final AutoTlsConfig config;
    private final Clock clock;

    SiteCheck(Assembly site, Clock clock) {
        this.site = site;
        this.config = site.config();
        this.clock = clock;
    }

    Result check() throws InterruptedException {
        if (config.managementPort() > 0) {
            Optional<JsonNode> status = managementStatus();
            if (status.isPresent()) {
                List<Finding> findings = new ArrayList<>();
                findings.add(Finding.ok("site: running here; its management listener " + managementAddress()
                        + " answers, so its ports are its own."));
                status.get().forEach(certificate -> findings.add(fromStatus(certificate)));
                return new Result(findings, true);
            }
        }
        List<Finding> findings = new ArrayList<>();
        boolean running = servesFromThisStorage();
        if (running) {
            findings.add(Finding.ok("site: running here; HTTPS port " + config.httpsPort() + " serves this storage's "
                    + "certificates, so its ports are its own."));
        }
        CertificateFiles files = new CertificateFiles(site.store(), StorageKeys.caFolder(config.caDirectory()));
        for (ManagedCertificate certificate : site.certificates()) {
            findings.add(stored(files, certificate, running));
        }
        return new Result(findings, running);
    }

    /** One certificate as the running site reports it on {@code /status}. */
    private Finding fromStatus(JsonNode certificate) {
        List<String> names = new ArrayList<>();
        certificate.path("names").forEach(name -> names.add(name.asText()));
        String which = "certificate " + String.join(", ", names);
        String next = certificate.path("nextAttempt").isTextual()
                ? "; next look " + day(Instant.parse(certificate.path("nextAttempt").asText())) : "";
        if ("TEMPORARY".equals(certificate.path("source").asText())) {
            String action = certificate.path("ownerAction").isTextual() ? ": " + certificate.path("ownerAction").asText() : "";
            return Finding.warn(which + ": the running site serves only its temporary self-signed certificate" + action + next + ".");
        }
        Instant notAfter = Instant.parse(certificate.path("notAfter").asText());
        return Finding.ok(which + ": served by the running site, issued by " + certificate.path("issuer").asText()
                + ", expires " + expiry(notAfter) + next + ".");
    }

    /** One certificate as the storage holds it: what serve would serve now, and when it renews it. */
    private Finding stored(CertificateFiles files, ManagedCertificate certificate, boolean running) {
        String which = "certificate " + certificate;
        Optional<StoredCertificate> stored;
        try {
            stored = files.load(certificate.firstName());
        } catch (IOException e) {
            return Finding.fail(which + ": the stored certificate cannot be read (" + StorageFailures.reason(e)
                    + "); serve orders a new one, or fix the storage first.");
        }
        if (stored.isEmpty()) {
            String text = which + ": none stored yet; serve serves a temporary self-signed certificate until the CA's arrives.";
            return running ? Finding.warn(text) : Finding.ok(text);
        }
        X509Certificate leaf = stored.get().leaf();
        Instant now = clock.instant();
        String issuer = leaf.getIssuerX500Principal().getName();
        if (!now.isBefore(stored.get().notAfter())) {
            return Finding.fail(which + ": the stored certificate from " + issuer + " expired " + day(stored.get().notAfter())
                    + "; serve orders a new one at once.");
        }
        Duration lifetime = Duration.between(stored.get().notBefore(), stored.get().notAfter());
        // RenewalPolicy without the CA's ARI window and its 1 % jitter: the day is what an operator needs
        Instant renewal = stored.get().notAfter().minus(lifetime.dividedBy(3));
        return Finding.ok(which + ": stored, issued by " + issuer + ", expires " + expiry(stored.get().notAfter())
                + "; renewal " + (renewal.isAfter(now) ? "from about " + day(renewal) : "due now")
                + " (a third of its lifetime before expiry, or inside the CA's renewal window when it offers one).");
    }

    /** Whether the HTTPS port answers with this storage's certificate (or autotls's temporary one) for the first name. */
    private boolean servesFromThisStorage() {
        if (config.httpsPort() <= 0 || site.certificates().isEmpty()) {
            return false;
        }
        ManagedCertificate first = site.certificates().get(0);
        Optional<X509Certificate> served = ServedCertificate.fetch(
                new InetSocketAddress(config.bindAddress().orElse("127.0.0.1"), config.httpsPort()),
                first.firstName().replace("*.", "doctor."), PATIENCE);
        if (served.isEmpty()) {
            return false;
        }
        if (served.get().getSubjectX500Principal().getName().contains("O=autotls temporary self-signed")) {
            return true;
        }
        try {
            Optional<StoredCertificate> stored = new CertificateFiles(site.store(), StorageKeys.caFolder(config.caDirectory()))
                    .load(first.firstName());
            return stored.isPresent() && Arrays.equals(stored.get().leaf().getEncoded(), served.get().getEncoded());
        } catch (IOException | GeneralSecurityException e) {
            return false; // the storage finding says what is wrong with it
        }
    }

    private Optional<JsonNode> managementStatus() throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(PATIENCE).build();
        try {
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://" + managementAddress() + "/status"))
                    .timeout(PATIENCE).GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = answer.statusCode() == 200 ? JSON.readTree(answer.body()) : null;
            return body != null && body.isArray() ? Optional.of(body) : Optional.empty();
        } catch (IOException notRunning) {
            return Optional.empty(); // not running: the ports and the storage are checked instead
        }
    }

    private String managementAddress() {
        String host = config.managementBind();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + config.managementPort();
    }

    private String expiry(Instant notAfter) {
        long days = Duration.between(clock.instant(), notAfter).toDays();
        return day(notAfter) + " (in " + days + (days == 1 ? " day)" : " days)");
    }

    private static String day(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MINUTES).toString();
    }
}
