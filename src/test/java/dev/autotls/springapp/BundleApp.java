package dev.autotls.springapp;

import dev.autotls.spring.AutoTlsBuilderCustomizer;
import dev.autotls.testing.ManualScheduler;
import dev.autotls.testing.MutableClock;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Test d's application: a plain Spring Boot web app on Jetty with one endpoint, and two for the
 * test: the {@code autotls} SslBundle's certificate serial, and maintenance by a clock the test
 * moves (a renewal is months away in real time).
 */
@SpringBootApplication
@RestController
public class BundleApp {
    private final MutableClock clock = MutableClock.startingNow();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final SslBundles bundles;

    public BundleApp(SslBundles bundles) {
        this.bundles = bundles;
    }

    public static void main(String[] args) {
        SpringApplication.run(BundleApp.class, args);
    }

    @Bean
    AutoTlsBuilderCustomizer movableClock() {
        return builder -> builder.clock(clock).scheduler(scheduler);
    }

    @GetMapping("/hello")
    String hello() {
        return "hello from Spring Boot";
    }

    @GetMapping("/bundle-serial")
    String bundleSerial() throws Exception {
        try {
            X509Certificate certificate = (X509Certificate) bundles.getBundle("autotls").getStores().getKeyStore()
                    .getCertificate("autotls");
            return "serial=" + certificate.getSerialNumber().toString(16) + ";";
        } catch (NoSuchSslBundleException e) {
            return "serial=none;";
        }
    }

    /** Moves the clock to {@code at} if given, then runs the maintenance that is due, here and now. */
    @GetMapping("/maintenance")
    String maintenance(@RequestParam(name = "at", required = false) String at) {
        if (at != null) {
            clock.set(Instant.parse(at));
        }
        return "ran=" + scheduler.runDue() + ";";
    }
}
