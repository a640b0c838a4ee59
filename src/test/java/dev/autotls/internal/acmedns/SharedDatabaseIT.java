package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autotls.acmedns.Database;
import dev.autotls.acmedns.ResponderConfig.ResponseRateLimit;
import dev.autotls.testing.Await;
import dev.autotls.testing.Postgres;
import dev.autotls.testing.Responder;
import dev.autotls.testing.SharedPostgres;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Issue 9 (e): several responders on one PostgreSQL database (high availability). Each
 * answers what any of them acknowledged, at once, and concurrent updates through all of
 * them keep the two-slot rotation exact.
 */
class SharedDatabaseIT {
    @RegisterExtension
    static final SharedPostgres POSTGRES = new SharedPostgres();
    private static final String ZONE = "auth.example.test";

    @TempDir
    Path folder;

    private Responder responder(String name) throws Exception {
        // the DNS watcher below asks one name as fast as it can, far beyond what rate limiting allows a client
        return Responder.start(folder.resolve(name), ZONE, b -> POSTGRES.configure(b.rateLimit(ResponseRateLimit.OFF)));
    }

    private static String value(String prefix, int n) {
        return String.format("%-43s", prefix + "-" + n).replace(' ', '_');
    }

    @Test
    void aSecondResponderAnswersAnUpdateMadeThroughTheFirstAtOnce() throws Exception {
        try (Responder a = responder("a"); Responder b = responder("b")) {
            JsonNode account = a.register();
            String name = account.get("fulldomain").asText() + ".";
            Message before = b.query(name, Type.TXT, false);
            assertThat(before.getRcode()).as("registered through A, known to B: NODATA").isEqualTo(Rcode.NOERROR);
            assertThat(txt(before)).isEmpty();

            String previous = null;
            for (int i = 0; i < 20; i++) {
                Responder writer = i % 2 == 0 ? a : b;
                Responder reader = i % 2 == 0 ? b : a;
                String value = value("ha", i);
                HttpResponse<String> update = writer.update(account, value);
                assertThat(update.statusCode()).as(update.body()).isEqualTo(200);
                // no waiting: the very next query to the other responder must have it
                List<String> served = txt(reader.query(name, Type.TXT, i % 4 >= 2));
                if (previous == null) {
                    assertThat(served).containsExactly(value);
                } else {
                    assertThat(served).as("update %d", i).containsExactlyInAnyOrder(value, previous);
                }
                previous = value;
            }
        }
    }

    /** What one update request did, in System.nanoTime of this JVM. */
    private record Ack(String value, long sent, long acknowledged) {
    }

    /** What one DNS query to either responder answered, and when it was sent. */
    private record Seen(long sent, List<String> values) {
    }

    @Test
    void concurrentUpdatesThroughTwoRespondersKeepTheTwoMostRecentValues() throws Exception {
        int writersPerResponder = 2;
        int updatesPerWriter = 60;
        try (Responder a = responder("a"); Responder b = responder("b")) {
            JsonNode account = a.register();
            String name = account.get("fulldomain").asText() + ".";
            Queue<Ack> acks = new ConcurrentLinkedQueue<>();
            Queue<Seen> seen = new ConcurrentLinkedQueue<>();
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 2 * writersPerResponder; w++) {
                Responder through = w % 2 == 0 ? a : b;
                String prefix = "w" + w;
                writers.add(new Thread(() -> {
                    try {
                        for (int n = 0; n < updatesPerWriter; n++) {
                            long sent = System.nanoTime();
                            HttpResponse<String> update = through.update(account, value(prefix, n));
                            if (update.statusCode() != 200) {
                                throw new AssertionError("update answered " + update.statusCode() + ": " + update.body());
                            }
                            acks.add(new Ack(value(prefix, n), sent, System.nanoTime()));
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "writer-" + w));
            }
            Thread watcher = new Thread(() -> {
                try {
                    for (int q = 0; writing.get(); q++) {
                        long sent = System.nanoTime();
                        seen.add(new Seen(sent, txt((q % 2 == 0 ? a : b).query(name, Type.TXT, false))));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "dns-watcher");
            writers.forEach(Thread::start);
            watcher.start();
            for (Thread writer : writers) {
                writer.join(Duration.ofSeconds(120).toMillis());
            }
            writing.set(false);
            watcher.join(Duration.ofSeconds(30).toMillis());
            assertThat(failures).isEmpty();
            assertThat(acks).hasSize(2 * writersPerResponder * updatesPerWriter);
            assertThat(overlapping(new ArrayList<>(acks))).as("updates really ran at the same time").isPositive();

            List<Ack> all = new ArrayList<>(acks);
            for (Seen answer : seen) {
                assertLastTwo(all, answer.values(), answer.sent());
            }
            List<String> last = txt(b.query(name, Type.TXT, false));
            assertThat(last).hasSize(2).doesNotHaveDuplicates();
            assertLastTwo(all, last, System.nanoTime());
            assertThat(storedSlots(account.get("subdomain").asText())).as("two rows, stamped apart").hasSize(2)
                    .doesNotHaveDuplicates();
            System.out.printf("%d concurrent updates through two responders, %d DNS answers checked%n", all.size(), seen.size());
        }
    }

    /**
     * {@code values}, read at {@code readAt}, are the two most recent commits: for each, at
     * most one other update both began after it was acknowledged (so committed after it) and
     * was acknowledged before the read (so committed before it).
     */
    private static void assertLastTwo(List<Ack> acks, List<String> values, long readAt) {
        long acknowledgedBefore = acks.stream().filter(ack -> ack.acknowledged() < readAt).count();
        assertThat(values).as("values served with %d updates acknowledged", acknowledgedBefore)
                .hasSizeGreaterThanOrEqualTo((int) Math.min(2, acknowledgedBefore)).hasSizeLessThanOrEqualTo(2);
        for (String value : values) {
            Ack served = acks.stream().filter(ack -> ack.value().equals(value)).findFirst()
                    .orElseThrow(() -> new AssertionError(value + " was served but never sent"));
            List<String> newer = acks.stream()
                    .filter(ack -> ack.sent() > served.acknowledged() && ack.acknowledged() < readAt)
                    .map(Ack::value).toList();
            assertThat(newer).as("%s was served after these later updates: a lost update", value).hasSizeLessThanOrEqualTo(1);
        }
    }

    private static long overlapping(List<Ack> acks) {
        long count = 0;
        for (Ack one : acks) {
            for (Ack other : acks) {
                if (one != other && one.sent() < other.acknowledged() && other.sent() < one.acknowledged()) {
                    count++;
                }
            }
        }
        return count / 2;
    }

    private static List<Long> storedSlots(String subdomain) throws Exception {
        List<Long> stamps = new ArrayList<>();
        try (Connection db = POSTGRES.postgres().connect();
             PreparedStatement query = db.prepareStatement("SELECT LastUpdate FROM txt WHERE Subdomain = ?")) {
            query.setString(1, subdomain);
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    stamps.add(row.getLong(1));
                }
            }
        }
        return stamps;
    }

    @Test
    void whileTheDatabaseIsDownDnsAnswersTheValuesLastReadAndUpdatesSayDbError() throws Exception {
        try (Postgres own = Postgres.start();
             Responder responder = Responder.start(folder, ZONE, b -> b.database(Database.postgres(own.acmeDnsConnection())))) {
            JsonNode account = responder.register();
            String name = account.get("fulldomain").asText() + ".";
            String before = value("before", 1);
            assertThat(responder.update(account, before).statusCode()).isEqualTo(200);
            assertThat(txt(slowQuery(responder, name))).containsExactly(before);

            own.stop();
            assertThat(txt(slowQuery(responder, name))).as("served from the last read").containsExactly(before);
            HttpResponse<String> refused = responder.update(account, value("during", 1));
            assertThat(refused.statusCode()).isEqualTo(500);
            assertThat(refused.body()).isEqualTo("{\"error\":\"db_error\"}");

            own.restart();
            String after = value("after", 1);
            Await.until("an update through the restarted database", Duration.ofSeconds(30), () -> {
                try {
                    return responder.update(account, after).statusCode() == 200;
                } catch (Exception notYet) {
                    return false;
                }
            });
            Await.until("DNS answers from the database again", Duration.ofSeconds(30), () -> {
                try {
                    return txt(slowQuery(responder, name)).contains(after);
                } catch (Exception notYet) {
                    return false;
                }
            });
        }
    }

    @Test
    void aWrongPasswordOrSslModeFailsAtStartSayingWhyWithoutThePassword() {
        String wrong = "postgres://autotls:not-the-password-42@127.0.0.1:" + POSTGRES.postgres().port() + "/autotls";
        assertThatThrownBy(() -> Databases.open(Database.postgres(wrong + "?sslmode=disable")))
                .hasMessageContaining("cannot connect to the PostgreSQL database postgres://autotls:***@127.0.0.1:")
                .hasMessageContaining("password authentication failed for user \"autotls\"")
                .hasMessageContaining("check the host, port, user, password and sslmode of [database] connection")
                .hasMessageNotContaining("not-the-password-42");
        assertThatThrownBy(() -> Databases.open(Database.postgres(POSTGRES.postgres().acmeDnsConnection().replace("?sslmode=disable", ""))))
                .as("lib/pq's default sslmode is require; this test server has no TLS")
                .hasMessageContaining("The server does not support SSL");
    }

    /** A query that waits longer than a resolver would, for answers that first wait on a dead database. */
    private static Message slowQuery(Responder responder, String name) throws Exception {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", responder.server.dnsPort()));
        resolver.setTimeout(Duration.ofSeconds(15));
        return resolver.send(Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString(name), Type.TXT, DClass.IN)));
    }

    private static List<String> txt(Message answer) {
        return answer.getSection(Section.ANSWER).stream().map(r -> ((TXTRecord) r).getStrings().get(0)).toList();
    }
}
