package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.Knot;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 (5, d): {@code java -jar autotls.jar doctor} against a real Pebble 2.10 and the zone in
 * a real knot: a missing dns-persist-01 record fails naming it, a CAA set for another CA fails,
 * and with everything right it exits 0 and prints the CAA record that pins this CA and account.
 */
class DoctorIT {

    /** One zone, test., so the CAA climb from doctor.test reaches a parent that answers too. */
    private static Map<String, String> zone(String... lines) {
        return Map.of("test", "$ORIGIN test.\n$TTL 1\n@ SOA ns.invalid. hostmaster.test. 1 3600 600 86400 1\n"
                + "@ NS ns.invalid.\ndoctor A 127.0.0.1\n" + String.join("\n", lines) + "\n");
    }

    private static Result run(Path dir, List<String> options, String command) throws Exception {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        line.addAll(options);
        line.addAll(List.of("-jar", System.getProperty("autotls.jar", "target/autotls.jar"), command));
        Process process = new ProcessBuilder(line).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt")));
    }

    record Result(int exit, String stdout, String stderr) {
        List<String> lines(String level) {
            return stdout.lines().filter(line -> line.startsWith(level + " ")).toList();
        }
    }

    @Test
    void failsOnAMissingRecordThenOnAForeignCaaThenPassesWithTheAdvice(@TempDir Path dir) throws Exception {
        try (Knot knot = Knot.start(dir.resolve("knot"), zone());
             Pebble pebble = Pebble.start("sid", Ports.free())) {
            List<String> options = List.of("-Dautotls.domains=doctor.test", "-Dautotls.challenge=dns-persist-01",
                    "-Dautotls.ca=" + pebble.directory(), "-Dautotls.ca.trust=" + pebble.listenerTrust(),
                    "-Dautotls.agree-tos=true", "-Dautotls.storage=" + dir.resolve("storage"),
                    "-Dautotls.dns.resolvers=127.0.0.1:" + knot.port, "-Dautotls.https.port=0", "-Dautotls.http.port=off");
            Result records = run(dir, options, "records");
            assertThat(records.exit()).as(records.stderr()).isZero();
            List<String> record = records.stdout().lines().filter(line -> !line.startsWith(";")).toList();
            assertThat(record).singleElement().asString().startsWith("_validation-persist.doctor.test. TXT \"pebble.letsencrypt.org; accounturi=");
            String account = record.get(0).replaceAll(".*accounturi=([^;\"]+).*", "$1");
            assertThat(records.stdout()).contains("; doctor.test. CAA 0 issue \"pebble.letsencrypt.org; accounturi=" + account
                    + "; validationmethods=dns-persist-01\"");

            Result missing = run(dir, options, "doctor");
            assertThat(missing.exit()).as(missing.stdout() + missing.stderr()).isEqualTo(1);
            assertThat(missing.lines("fail")).as(missing.stdout()).singleElement().asString()
                    .contains("_validation-persist.doctor.test has no TXT record").contains(record.get(0));
            assertThat(missing.lines("ok")).anyMatch(line -> line.contains("CA directory " + pebble.directory() + " answers"))
                    .anyMatch(line -> line.contains("ARI (renewalInfo): yes")).anyMatch(line -> line.contains("clock: "))
                    .anyMatch(line -> line.contains("storage " + dir.resolve("storage")));

            knot.replace(zone(record.get(0), "doctor CAA 0 issue \"letsencrypt.org\""));
            Result foreignCaa = run(dir, options, "doctor");
            assertThat(foreignCaa.exit()).as(foreignCaa.stdout()).isEqualTo(1);
            assertThat(foreignCaa.lines("fail")).as(foreignCaa.stdout()).singleElement().asString()
                    .startsWith("fail  CAA for doctor.test: the record set at doctor.test. forbids this CA: it allows only "
                            + "letsencrypt.org, not pebble.letsencrypt.org");
            assertThat(foreignCaa.lines("ok")).anyMatch(line -> line.contains("dns-persist-01 can validate"));

            String pin = "doctor.test. CAA 0 issue \"pebble.letsencrypt.org; accounturi=" + account
                    + "; validationmethods=dns-persist-01\"";
            knot.replace(zone(record.get(0), "doctor CAA 0 issue \"letsencrypt.org\"", pin));
            Result right = run(dir, options, "doctor");
            assertThat(right.exit()).as(right.stdout() + right.stderr()).isZero();
            assertThat(right.lines("fail")).isEmpty();
            assertThat(right.lines("ok")).anyMatch(line -> line.contains("CAA for doctor.test: doctor.test. allows pebble.letsencrypt.org"))
                    .anyMatch(line -> line.contains("CAA advice") && line.endsWith(pin));
            assertThat(pebble.orders()).as("doctor never orders").isZero();
        }
    }
}
