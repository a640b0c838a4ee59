package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autotls.acmedns.Database;
import dev.autotls.acmedns.ResponderConfig.ResponseRateLimit;
import dev.autotls.testing.PgBouncer;
import dev.autotls.testing.Postgres;
import dev.autotls.testing.Responder;
import dev.autotls.testing.SharedPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The responder's PostgreSQL database through PgBouncer 1.18 in transaction pooling with its
 * default settings: registrations, updates and DNS answers through two responders, each call
 * repeated past the driver's fifth execution, and a connection string whose run-time setting
 * the pooler refuses is reported naming the pooler and the fix.
 */
class PgBouncerResponderIT {
    @RegisterExtension
    static final SharedPostgres POSTGRES = new SharedPostgres();
    private static final String ZONE = "auth.example.test";
    private static PgBouncer pooler;

    @TempDir
    Path folder;

    @BeforeAll
    static void startPooler() throws Exception {
        pooler = PgBouncer.start(POSTGRES.postgres(), PgBouncer.Mode.TRANSACTION);
    }

    @AfterAll
    static void stopPooler() {
        pooler.close();
    }

    private Responder responder(String name) throws Exception {
        return Responder.start(folder.resolve(name), ZONE, b -> b.rateLimit(ResponseRateLimit.OFF)
                .database(Database.postgres(pooler.acmeDnsConnection())));
    }

    private static String value(int n) {
        return String.format("%-43s", "pooled-" + n).replace(' ', '_');
    }

    @Test
    void registerUpdateAndAnswerThroughTransactionPoolingWithTwoResponders() throws Exception {
        try (Responder a = responder("a"); Responder b = responder("b")) {
            JsonNode first = a.register();
            JsonNode second = b.register();
            String previous = null;
            for (int i = 0; i < 12; i++) { // past the driver's fifth execution of each statement, on both responders
                Responder writer = i % 2 == 0 ? a : b;
                Responder reader = i % 2 == 0 ? b : a;
                HttpResponse<String> update = writer.update(first, value(i));
                assertThat(update.statusCode()).as(update.body()).isEqualTo(200);
                assertThat(writer.update(second, value(100 + i)).statusCode()).isEqualTo(200);
                List<String> served = txt(reader.query(first.get("fulldomain").asText() + ".", Type.TXT, i % 3 == 0));
                if (previous == null) {
                    assertThat(served).containsExactly(value(i));
                } else {
                    assertThat(served).as("answer %d", i).containsExactlyInAnyOrder(value(i), previous);
                }
                previous = value(i);
            }
            assertThat(txt(a.query(second.get("fulldomain").asText() + ".", Type.TXT, false)))
                    .containsExactlyInAnyOrder(value(110), value(111));
        }
    }

    @Test
    void aRunTimeSettingThePoolerRefusesIsReportedNamingThePoolerAndTheFix() {
        String withSearchPath = pooler.acmeDnsConnection() + "&search_path=public";
        assertThatThrownBy(() -> Databases.open(Database.postgres(withSearchPath)))
                .hasMessageContaining("PostgreSQL at 127.0.0.1:" + pooler.port()
                        + " refused the start-up parameter options: a connection pooler (PgBouncer)")
                .hasMessageContaining("remove 'options' from [database] connection (it sends search_path at connection"
                        + " start, in the start-up parameter options), or list it in the pooler's ignore_startup_parameters")
                .hasMessageNotContaining(Postgres.PASSWORD);
    }

    private static List<String> txt(Message answer) {
        return answer.getSection(Section.ANSWER).stream().map(r -> ((TXTRecord) r).getStrings().get(0)).toList();
    }
}
