package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.AsUser;
import dev.autotls.testing.Await;
import dev.autotls.testing.AutotlsJar;
import dev.autotls.testing.Chromium;
import dev.autotls.testing.Ports;
import dev.autotls.testing.ServeProcess;
import dev.autotls.testing.SystemPeers;
import dev.autotls.testing.TlsClient;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 23 (a) and the refusal of (c): {@code serve --domains=localhost} with nothing else set gets
 * its certificate from the built-in local CA, as a user without root; headless Chromium refuses it
 * until {@code trust} and again after {@code untrust}, and a JVM started with the line {@code trust}
 * prints accepts it. Everything the commands and Chromium write for "this user" lands under
 * a {@code HOME} in {@code target/}; the system store is never touched (no {@code --system}).
 */
class LocalCaIT {
    private static final String PAGE_TEXT = "Hello from autotls: localhost";

    /** The test's folder, with the home of "this user"; given to the user without root that the programs run as. */
    private static Path work() throws Exception {
        Path work = Path.of("target", "local-ca-it", Long.toString(System.nanoTime())).toAbsolutePath();
        Files.createDirectories(work.resolve("home"));
        return AsUser.hand(work);
    }

    private static X509Certificate servedLeaf(int port) {
        try {
            return TlsClient.inspecting().leaf(port, "localhost");
        } catch (Exception notYet) {
            return null;
        }
    }

    private static boolean fromLocalCa(X509Certificate leaf) {
        return leaf != null && leaf.getIssuerX500Principal().getName().contains("autotls local CA")
                && leaf.getIssuerX500Principal().getName().contains("intermediate");
    }

    @Test
    void chromiumTrustsTheLocalCertificateOnlyBetweenTrustAndUntrust() throws Exception {
        SystemPeers.program("certutil", "libnss3-tools");
        SystemPeers.program("chromium", "chromium");
        List<String> user = AsUser.prefix(); // serve, trust, untrust, export-root and Chromium run as a user without root
        Path work = work();
        Path home = work.resolve("home");
        String storage = work.resolve("storage").toString();
        int httpsPort = Ports.free();
        // no autotls.ca and no agree-tos: the local CA has no terms to agree to
        try (ServeProcess serve = ServeProcess.start(user, Map.of("domains", "localhost", "storage", storage,
                "http.port", Integer.toString(Ports.free())), httpsPort, work.resolve("serve.log"))) {
            Await.until("serve to present a certificate of the local CA", Duration.ofSeconds(60), () -> {
                serve.requireAlive();
                return fromLocalCa(servedLeaf(httpsPort));
            });
            X509Certificate leaf = servedLeaf(httpsPort);
            assertThat(Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()))
                    .isLessThanOrEqualTo(Duration.ofDays(7).plusMinutes(5));
            assertThat(serve.log()).contains("localhost: issued by the built-in local CA, no challenge: every name is local "
                    + "and autotls.ca is not set");
            String url = "https://localhost:" + httpsPort + "/";

            Chromium.Load before = Chromium.dumpDom(user, home, url);
            assertThat(before.dom()).as("before trust").doesNotContain(PAGE_TEXT);
            assertThat(before.log()).contains("ERR_CERT_AUTHORITY_INVALID");
            assertThat(javaFetch(user, work, List.of(), url).exitCode()).as("Java without the trust store").isNotZero();

            AutotlsJar.Result trust = AutotlsJar.run(user, home, List.of("trust", "--storage=" + storage));
            System.out.println("trust, as a user sees it:\n" + trust.out());
            assertThat(trust.exitCode()).as(trust.err()).isZero();
            assertThat(trust.out()).contains("NSS database " + home.resolve(".pki/nssdb") + ": added \"autotls local CA ")
                    .contains("Java trust store " + home.resolve(".config/autotls/java-truststore.p12") + ": added the local root")
                    .contains("System store (curl, Python, ...): not changed (only with --system, as root)");
            AutotlsJar.Result again = AutotlsJar.run(user, home, List.of("trust", "--storage=" + storage));
            assertThat(again.out()).as("trust is idempotent").contains(": already trusts \"autotls local CA ")
                    .contains(": already holds the local root");

            Chromium.Load trusted = Chromium.dumpDom(user, home, url);
            assertThat(trusted.dom()).as("after trust; chromium's log:\n%s", trusted.log()).contains(PAGE_TEXT);
            assertThat(trusted.certificateRefused()).isFalse();
            AutotlsJar.Result java = javaFetch(user, work, javaOptions(trust.out()), url);
            assertThat(java.out()).as("Java with the line trust printed; %s", java.err()).contains(PAGE_TEXT);
            requireChainsToExportedRoot(user, home, storage, httpsPort);

            AutotlsJar.Result untrust = AutotlsJar.run(user, home, List.of("untrust", "--storage=" + storage));
            assertThat(untrust.exitCode()).as(untrust.err()).isZero();
            assertThat(untrust.out()).contains(": removed \"autotls local CA ").contains("java-truststore.p12: deleted");
            assertThat(home.resolve(".config/autotls/java-truststore.p12")).doesNotExist();
            Chromium.Load after = Chromium.dumpDom(user, home, url);
            assertThat(after.dom()).as("after untrust").doesNotContain(PAGE_TEXT);
            assertThat(after.log()).contains("ERR_CERT_AUTHORITY_INVALID");
        }
    }

    /** The options after "run Java with " in trust's Java trust store line, one word each. */
    private static List<String> javaOptions(String trustOutput) {
        String marker = "run Java with ";
        String line = trustOutput.lines().filter(l -> l.startsWith("Java trust store ") && l.contains(marker)).findFirst()
                .orElseThrow(() -> new AssertionError("no Java trust store line in:\n" + trustOutput));
        return List.of(line.substring(line.indexOf(marker) + marker.length()).split(" "));
    }

    /** A separate JVM (a one-file program) started with {@code options} that GETs {@code url} with the JDK's default trust. */
    private static AutotlsJar.Result javaFetch(List<String> user, Path work, List<String> options, String url)
            throws Exception {
        Path program = work.resolve("Fetch.java");
        if (!Files.exists(program)) {
            Files.writeString(program, """
                    import java.net.URI;
                    import java.net.http.HttpClient;
                    import java.net.http.HttpRequest;
                    import java.net.http.HttpResponse;

                    public class Fetch {
                        public static void main(String[] args) throws Exception {
                            HttpResponse<String> answer = HttpClient.newHttpClient().send(
                                    HttpRequest.newBuilder(URI.create(args[0])).build(), HttpResponse.BodyHandlers.ofString());
                            System.out.print(answer.body());
                        }
                    }
                    """);
        }
        List<String> command = new ArrayList<>(user);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(List.of(program.toString(), url));
        Path out = work.resolve("fetch-" + System.nanoTime() + ".out");
        Path err = work.resolve("fetch-" + System.nanoTime() + ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the Java fetch did not end within 2 minutes: " + command);
        }
        return new AutotlsJar.Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** The served chain validates (JDK PKIX, host name checked) against the root export-root writes, and nothing else. */
    private static void requireChainsToExportedRoot(List<String> user, Path home, String storage, int httpsPort)
            throws Exception {
        Path pem = home.getParent().resolve("root.pem");
        AutotlsJar.Result export = AutotlsJar.run(user, home, List.of("export-root", "--out=" + pem, "--storage=" + storage));
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(Files.readString(pem)).startsWith("-----BEGIN CERTIFICATE-----").doesNotContain("PRIVATE");
        X509Certificate root = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
        TlsClient trustingRoot = TlsClient.trusting(List.of(root));
        assertThat(trustingRoot.get(httpsPort, "localhost", "/").body()).contains(PAGE_TEXT);
    }

    /** trust exits 1 when no place holds the root afterwards: NSS and the Java trust store both unusable to this user. */
    @Test
    void trustFailsWhenNoPlaceHoldsTheRootAfterwards() throws Exception {
        assertThat(AsUser.root()).as("running as root, to make files the test's user (nobody) cannot use; run mvn verify as "
                + "root, as scripts/peers.sh needs anyway").isTrue();
        SystemPeers.program("certutil", "libnss3-tools");
        Path work = work();
        Path home = work.resolve("home");
        Path nss = Files.createDirectories(home.resolve(".pki/nssdb"));
        Files.writeString(nss.resolve("cert9.db"), "not a database"); // root's, 0644 in a root-owned folder: read-only
        Path p12 = Files.createDirectories(home.resolve(".config/autotls")).resolve("java-truststore.p12");
        Files.writeString(p12, "not PKCS12");
        AsUser.hand(home.resolve(".config"));
        AutotlsJar.Result trust = AutotlsJar.run(AsUser.prefix(), home, List.of("trust", "--storage=" + work.resolve("storage")));
        assertThat(trust.out()).contains("NSS database " + nss + ": not changed").contains("java-truststore.p12: not changed");
        assertThat(trust.err()).contains("autotls trust: no place trusts the root now; fix what the lines above name, then "
                + "run trust again.");
        assertThat(trust.exitCode()).isEqualTo(1);
    }

    @Test
    void localWithAPublicNameIsRefusedAtStartWithExitCode2() throws Exception {
        Path work = work();
        AutotlsJar.Result refused = AutotlsJar.run(work.resolve("home"), List.of("serve", "--domains=localhost,example.com",
                "--ca=local", "--storage=" + work.resolve("storage"), "--https.port=" + Ports.free(), "--http.port=off"));
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err().strip()).isEqualTo("autotls serve: --ca = 'local': example.com is not a local name, and the "
                + "built-in local CA issues only for localhost, *.localhost, names under .test, .internal and .home.arpa, and "
                + "loopback and private IP addresses (127.0.0.0/8, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, ::1/128, fc00::/7); "
                + "remove example.com from --domains, or unset --ca so that public names go to the default ACME CA");
    }
}
