package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autotls.testing.Await;
import dev.autotls.testing.FaultyCa;
import dev.autotls.testing.ManualScheduler;
import dev.autotls.testing.MutableClock;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.PebbleSites;
import dev.autotls.testing.Site;
import dev.autotls.testing.TlsClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.eclipse.jetty.jmx.MBeanContainer;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11 (a), (b), (c): JMX, the management listener, Micrometer, against a real Pebble. */
class OperationsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void jmxShowsEachCertificateAndItsRenewOperationOrdersANewOne(@TempDir Path storage) throws Exception {
        try (Pebble pebble = Pebble.startAlwaysValid("sid")) {
            MBeanServer platform = ManagementFactory.getPlatformMBeanServer();
            MBeanContainer container = new MBeanContainer(platform);
            Site site = Site.installed(PebbleSites.http01(pebble, storage, "jmx.test").httpPort(0));
            site.server.addEventListener(container);
            site.server.addBean(container);
            site.server.start();
            try {
                Await.until("a Pebble certificate", Duration.ofSeconds(60), () -> site.autoTls.status().get(0).source()
                        == CertificateStatus.Source.CA);
                Set<ObjectName> names = platform.queryNames(new ObjectName("dev.autotls:type=certificatebean,*"), null);
                assertThat(names).hasSize(1);
                ObjectName bean = names.iterator().next();
                String serial = (String) platform.getAttribute(bean, "serial");
                assertThat(serial).isEqualTo(site.autoTls.status().get(0).serial().orElseThrow());
                assertThat((String) platform.getAttribute(bean, "issuer")).contains("Pebble");
                assertThat((String) platform.getAttribute(bean, "names")).isEqualTo("jmx.test");
                assertThat((String) platform.getAttribute(bean, "source")).isEqualTo("CA");
                Set<ObjectName> roots = platform.queryNames(new ObjectName("dev.autotls:type=autotls,*"), null);
                assertThat(roots).hasSize(1);
                assertThat(platform.getAttribute(roots.iterator().next(), "certificateCount")).isEqualTo(1);

                platform.invoke(bean, "renew", new Object[0], new String[0]);
                TlsClient client = TlsClient.trusting(pebble.roots());
                Await.until("the renewed certificate", Duration.ofSeconds(60), () -> {
                    try {
                        return !client.leaf(site.httpsPort(), "jmx.test").getSerialNumber().equals(new BigInteger(serial, 16));
                    } catch (Exception notYet) {
                        return false;
                    }
                });
                assertThat((String) platform.getAttribute(bean, "serial")).isNotEqualTo(serial);

                // names at run time through JMX: a certificate bean appears with the name and goes with it
                ObjectName root = roots.iterator().next();
                platform.invoke(root, "manage", new Object[] {"jmx2.test"}, new String[] {String.class.getName()});
                assertThat((String) platform.getAttribute(root, "managedNames")).isEqualTo("jmx.test,jmx2.test");
                Set<ObjectName> two = platform.queryNames(new ObjectName("dev.autotls:type=certificatebean,*"), null);
                assertThat(two).hasSize(2);
                ObjectName added = two.stream().filter(name -> !name.equals(bean)).findFirst().orElseThrow();
                assertThat((String) platform.getAttribute(added, "origins")).isEqualTo("jmx2.test=MANAGED");
                assertThat((String) platform.getAttribute(bean, "origins")).isEqualTo("jmx.test=CONFIGURED");
                assertThatThrownBy(() -> platform.invoke(root, "unmanage", new Object[] {"jmx.test"},
                        new String[] {String.class.getName()})).hasStackTraceContaining("configured names are always managed");
                platform.invoke(root, "unmanage", new Object[] {"jmx2.test"}, new String[] {String.class.getName()});
                assertThat(platform.queryNames(new ObjectName("dev.autotls:type=certificatebean,*"), null)).containsExactly(bean);
                assertThat(platform.getAttribute(root, "certificateCount")).isEqualTo(1);
            } finally {
                site.close();
            }
        }
    }

    @Test
    void theManagementListenerSaysHealthStatusAndMetrics(@TempDir Path storage) throws Exception {
        try (Pebble pebble = Pebble.startAlwaysValid("sid")) {
            MutableClock clock = MutableClock.startingNow();
            ManualScheduler scheduler = new ManualScheduler(clock);
            try (Site site = Site.start(PebbleSites.http01(pebble, storage, "ops.test", "www.ops.test").httpPort(0)
                    .set(Setting.MANAGEMENT_PORT, "0").clock(clock).scheduler(scheduler))) {
                int port = site.autoTls.managementPort();
                HttpResponse<String> before = get(port, "/health");
                assertThat(before.statusCode()).isEqualTo(503);
                assertThat(JSON.readTree(before.body()).path("reasons").get(0).asText()).contains("temporary self-signed");

                scheduler.runDue();
                HttpResponse<String> after = get(port, "/health");
                assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
                assertThat(JSON.readTree(after.body()).path("status").asText()).isEqualTo("UP");

                HttpResponse<String> metrics = get(port, "/metrics");
                assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
                Pattern sample = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\"(,[a-zA-Z_][a-zA-Z0-9_]*"
                        + "=\"[^\"]*\")*})? -?[0-9.eE+]+");
                for (String line : metrics.body().split("\n")) {
                    assertThat(line.startsWith("# HELP ") || line.startsWith("# TYPE ") || sample.matcher(line).matches())
                            .as("Prometheus text line: " + line).isTrue();
                }
                long expiry = site.autoTls.servedCertificate("ops.test").orElseThrow().getNotAfter().toInstant().getEpochSecond();
                assertThat(metrics.body()).contains("autotls_certificate_expiration_timestamp_seconds{name=\"ops.test\"} " + expiry)
                        .contains("autotls_certificate_ready{name=\"ops.test\"} 1").contains("autotls_orders_total{kind=\"first\"} 2");

                String statusBody = get(port, "/status").body();
                System.out.println("management /health:\n" + after.body() + "\nmanagement /status:\n" + statusBody
                        + "\nmanagement /metrics:\n" + metrics.body());
                JsonNode status = JSON.readTree(statusBody);
                List<CertificateStatus> model = site.autoTls.status();
                assertThat(status.size()).isEqualTo(model.size());
                for (int i = 0; i < model.size(); i++) {
                    assertThat(status.get(i).path("serial").asText()).isEqualTo(model.get(i).serial().orElseThrow());
                    assertThat(status.get(i).path("notAfter").asText()).isEqualTo(model.get(i).notAfter().toString());
                    assertThat(status.get(i).path("source").asText()).isEqualTo("CA");
                    assertThat(status.get(i).path("names").get(0).asText()).isEqualTo(model.get(i).names().get(0));
                    assertThat(status.get(i).path("lastOutcome").asText()).startsWith("obtained a certificate");
                }
                assertThat(get(port, "/nothing").statusCode()).isEqualTo(404);
            }
        }
    }

    @Test
    void micrometerSeesGaugesAndCountersMoveThroughAFailureAndAnIssuance(@TempDir Path storage) throws Exception {
        try (Pebble pebble = Pebble.startAlwaysValid("sid"); FaultyCa ca = FaultyCa.in(pebble)) {
            ca.mode(FaultyCa.Mode.DROP);
            MutableClock clock = MutableClock.startingNow();
            ManualScheduler scheduler = new ManualScheduler(clock);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (Site site = Site.start(AutoTls.builder().ignoreSystemSettings().domains("meter.test").ca(ca.directory().toString())
                    .caTrust(pebble.listenerTrust()).storage(storage).challenge("http-01").httpPort(0).httpsPort(0)
                    .agreeToTermsOfService(true).clock(clock).scheduler(scheduler).meterRegistry(registry))) {
                scheduler.runDue();
                assertThat(registry.get("autotls.failures").tag("cause", "ca_unavailable").counter().count()).isEqualTo(1);
                assertThat(registry.get("autotls.certificate.ready").tag("name", "meter.test").gauge().value()).isZero();

                ca.mode(FaultyCa.Mode.PASS);
                for (int second = 1; second <= 60 && registry.find("autotls.orders").counter() == null; second++) {
                    clock.advance(Duration.ofSeconds(1));
                    scheduler.runDue();
                }
                assertThat(registry.get("autotls.orders").tag("kind", "first").counter().count()).isEqualTo(1);
                assertThat(registry.get("autotls.order.duration").timer().count()).isEqualTo(1);
                assertThat(registry.get("autotls.certificate.ready").tag("name", "meter.test").gauge().value()).isEqualTo(1);
                assertThat(registry.get("autotls.certificate.expiration").tag("name", "meter.test").gauge().value())
                        .isEqualTo(site.autoTls.servedCertificate("meter.test").orElseThrow().getNotAfter().toInstant()
                                .getEpochSecond());
                assertThat(registry.get("autotls.owner.action.needed").gauge().value()).isZero();

                // gauges follow the set: added with a name managed at run time, removed with it
                site.autoTls.manage("meter2.test");
                assertThat(registry.get("autotls.certificate.ready").tag("name", "meter2.test").gauge().value()).isZero();
                assertThat(registry.get("autotls.names").tag("origin", "managed").gauge().value()).isEqualTo(1);
                assertThat(registry.get("autotls.names").tag("origin", "configured").gauge().value()).isEqualTo(1);
                site.autoTls.unmanage("meter2.test").toCompletableFuture().join();
                assertThat(registry.find("autotls.certificate.ready").tag("name", "meter2.test").gauge()).isNull();
                assertThat(registry.get("autotls.names").tag("origin", "managed").gauge().value()).isZero();
            }
        }
    }
}
