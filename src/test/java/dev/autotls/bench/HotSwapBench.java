package dev.autotls.bench;

import dev.autotls.AutoTls;
import dev.autotls.internal.Assembly;
import dev.autotls.internal.tls.CertifiedKey;
import dev.autotls.internal.tls.SelfSignedCertificates;
import dev.autotls.testing.TempFolders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Hot swap under load: h2load against the autotls HTTPS connector while certificates are
 * swapped every 300 ms, and against the same Jetty with a static keystore, in one run;
 * keep-alive (HTTP/2, 8 connections) and new connections (HTTP/1.1 rounds of 100 clients,
 * one request each, so every request pays a full handshake).
 *
 * <p>{@code java -cp ... dev.autotls.bench.HotSwapBench [seconds]}; needs h2load (Debian nghttp2-client).
 */
public final class HotSwapBench {
    private static final String NAME = "swap.bench.test";

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Path storage = Files.createTempDirectory("autotls-hotswap-");
        List<CertifiedKey> certificates = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            certificates.add(SelfSignedCertificates.create(List.of(NAME), Clock.systemUTC()));
        }

        Server autotls = new Server();
        autotls.setHandler(new Hello());
        AutoTls tls = AutoTls.builder().ignoreSystemSettings().agreeToTermsOfService(true).domains(NAME).ca("https://127.0.0.1:1/dir")
                .storage(storage).challenge("http-01").httpPort(0).httpsPort(0)
                .scheduler(BenchSupport.idleScheduler()).build().installOn(autotls);
        autotls.start();
        tls.getBean(Assembly.class).registry().publish(certificates.get(0));

        Server baseline = keystoreServer(certificates.get(0));
        int baselinePort = ((ServerConnector) baseline.getConnectors()[0]).getLocalPort();

        ScheduledExecutorService swapper = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger swaps = new AtomicInteger();
        swapper.scheduleAtFixedRate(() -> tls.getBean(Assembly.class).registry().publish(certificates.get(swaps.incrementAndGet() % certificates.size())),
                300, 300, TimeUnit.MILLISECONDS);

        // warm both servers up first: in one JVM, whichever runs first otherwise pays for the JIT
        run("keep-alive", tls.httpsPort(), Math.max(2, seconds / 3));
        run("keep-alive", baselinePort, Math.max(2, seconds / 3));
        BenchSupport.report("hotswap.md", "Command: `bash scripts/bench-tls.sh " + seconds + "`; h2load with SNI "
                + NAME + ", certificates swapped every 300 ms on the autotls side; a probe thread makes full"
                + " handshakes one after another during each run for the latency percentiles.", "",
                "| Mode | Server | Requests/s | Failed | Ratio | Handshake p50 ms | p90 ms | p99 ms | max ms |",
                "|---|---|---|---|---|---|---|---|---|");
        List<Runnable> targets = new ArrayList<>();
        for (String mode : List.of("keep-alive", "new-connections")) {
            // interleaved halves, so neither server is always measured on a colder JVM
            Result swapped1 = run(mode, tls.httpsPort(), seconds / 2);
            Result plain1 = run(mode, baselinePort, seconds / 2);
            Result plain2 = run(mode, baselinePort, seconds - seconds / 2);
            Result swapped2 = run(mode, tls.httpsPort(), seconds - seconds / 2);
            Result swapped = swapped1.plus(swapped2, seconds);
            Result plain = plain1.plus(plain2, seconds);
            double ratio = swapped.perSecond() / plain.perSecond();
            System.out.printf("hot-swap %s: autotls %.0f req/s (%d failed), static keystore %.0f req/s (%d failed), ratio %.2f%n",
                    mode, swapped.perSecond(), swapped.failed(), plain.perSecond(), plain.failed(), ratio);
            System.out.printf("hot-swap %s: handshakes autotls %s | keystore %s%n", mode, swapped.handshakes(), plain.handshakes());
            BenchSupport.report("hotswap.md", row(mode, "autotls (swapping)", swapped, String.format("%.2f", ratio)),
                    row(mode, "Jetty, static keystore", plain, "1"));
            targets.add(() -> {
                BenchSupport.target("hotswap.md", mode + ", failed requests and handshakes (autotls)",
                        Long.toString(swapped.failed() + swapped.handshakes().failures()), "= 0",
                        swapped.failed() + swapped.handshakes().failures() == 0);
                BenchSupport.target("hotswap.md", mode + ", requests/s ratio autotls/keystore", String.format("%.2f", ratio),
                        ">= 0.95", ratio >= 0.95);
            });
            BenchSupport.report("hotswap.tsv", String.format("%s autotls\t%.0f", mode, swapped.perSecond()),
                    String.format("%s keystore\t%.0f", mode, plain.perSecond()));
        }
        System.out.printf("hot-swap: %d swaps (every 300 ms)%n", swaps.get());
        BenchSupport.report("hotswap.md", "", swaps.get() + " certificate swaps during the runs.", "", "Targets:");
        targets.forEach(Runnable::run);
        swapper.shutdownNow();
        autotls.stop();
        baseline.stop();
        TempFolders.delete(storage);
    }

    private static String row(String mode, String server, Result result, String ratio) {
        HandshakeProbe.Latencies l = result.handshakes();
        return String.format("| %s | %s | %.0f | %d | %s | %.1f | %.1f | %.1f | %.1f |", mode, server, result.perSecond(),
                result.failed() + l.failures(), ratio, l.p50(), l.p90(), l.p99(), l.max());
    }

    record Result(double perSecond, long failed, HandshakeProbe.Samples samples) {
        /** Two halves of one measurement, {@code seconds} in all. */
        Result plus(Result other, int seconds) {
            int first = seconds / 2;
            double average = (perSecond * first + other.perSecond * (seconds - first)) / seconds;
            return new Result(average, failed + other.failed, samples.plus(other.samples));
        }

        HandshakeProbe.Latencies handshakes() {
            return samples.latencies();
        }
    }

    private static Result run(String mode, int port, int seconds) throws Exception {
        String url = "https://" + NAME + ":" + port + "/";
        String connectTo = "--connect-to=127.0.0.1:" + port;
        HandshakeProbe probe = new HandshakeProbe(port, NAME);
        if (mode.equals("keep-alive")) {
            String output = h2load(List.of("h2load", connectTo, "-c", "8", "-t", "1", "-D", Integer.toString(seconds), url));
            return new Result(number(output, "succeeded") / (double) seconds, number(output, "failed") + number(output, "errored"),
                    probe.finish());
        }
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long succeeded = 0;
        long failed = 0;
        long started = System.nanoTime();
        while (System.nanoTime() < end) {
            String output = h2load(List.of("h2load", connectTo, "--h1", "-c", "100", "-n", "100", "-t", "1", url));
            succeeded += number(output, "succeeded");
            failed += number(output, "failed") + number(output, "errored");
        }
        return new Result(succeeded / ((System.nanoTime() - started) / 1e9), failed, probe.finish());
    }

    private static String h2load(List<String> command) throws java.io.IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return output;
    }

    /** The number before {@code label} on h2load's "requests:" line. */
    private static long number(String output, String label) {
        String requests = line(output, "requests:");
        for (String part : requests.split(",")) {
            String[] words = part.trim().split(" ");
            if (words.length >= 2 && words[1].equals(label)) {
                return Long.parseLong(words[0]);
            }
        }
        return 0;
    }

    private static String line(String output, String start) {
        return output.lines().map(String::trim).filter(l -> l.startsWith(start)).findFirst().orElse("").replaceAll("\\s+", " ");
    }

    private static Server keystoreServer(CertifiedKey key) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("bench", key.privateKey(), "bench".toCharArray(), key.chain());
        Server server = new Server();
        HttpConfiguration config = new HttpConfiguration();
        config.addCustomizer(new SecureRequestCustomizer(false));
        HttpConnectionFactory http11 = new HttpConnectionFactory(config);
        HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(config);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http11.getProtocol());
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(store);
        ssl.setKeyStorePassword("bench");
        server.addConnector(new ServerConnector(server, new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, http2, http11));
        server.setHandler(new Hello());
        server.start();
        return server;
    }

    private static final class Hello extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            response.write(true, ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), callback);
            return true;
        }
    }
}
