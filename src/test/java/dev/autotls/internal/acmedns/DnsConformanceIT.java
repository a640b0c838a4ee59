package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autotls.acmedns.ResponderConfig;
import dev.autotls.testing.Responder;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The DNS half of ../shared/docs/acme-dns-contract.md, one test per rule, over real UDP and TCP. */
class DnsConformanceIT {
    private static final String ZONE = "auth.example.test.";

    @TempDir
    Path folder;
    Responder responder;

    /** A responder on this suite's engine (SQLite here; {@code DnsConformancePostgresIT} runs every case on PostgreSQL). */
    Responder startResponder(Path folder, Consumer<ResponderConfig.Builder> customize) throws Exception {
        return Responder.start(folder, "auth.example.test", customize);
    }

    @BeforeEach
    void start() throws Exception {
        responder = startResponder(folder, b -> b.nsName("ns1.auth.example.test")
                .nsAdmin("admin.example.test")
                .record("auth.example.test. A 198.51.100.1")
                .record("auth.example.test. NS ns1.auth.example.test.")
                .record("ns1.auth.example.test. 300 A 198.51.100.2")
                .record("www.deep.auth.example.test. CNAME auth.example.test.")
                .record("loop1.auth.example.test. CNAME loop2.auth.example.test.")
                .record("loop2.auth.example.test. CNAME loop1.auth.example.test.")
                .txtValues(30));
    }

    @AfterEach
    void stop() {
        responder.close();
    }

    private static Message query(String name, int type) throws Exception {
        return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    }

    private static Message withEdns(Message query, int payload, int version) {
        query.addRecord(new OPTRecord(payload, 0, version, 0), Section.ADDITIONAL);
        return query;
    }

    @Test
    void apexSoaHasTheContractTimers() throws Exception {
        Message answer = responder.exchange(query(ZONE, Type.SOA));
        assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answer.getHeader().getFlag(Flags.AA)).isTrue();
        SOARecord soa = (SOARecord) answer.getSection(Section.ANSWER).get(0);
        assertThat(soa.getHost().toString()).isEqualTo("ns1.auth.example.test.");
        assertThat(soa.getAdmin().toString()).isEqualTo("admin.example.test.");
        assertThat(List.of(soa.getRefresh(), soa.getRetry(), soa.getExpire(), soa.getMinimum()))
                .containsExactly(28800L, 7200L, 604800L, 86400L);
    }

    @Test
    void staticRecordsAnswerWithTtl3600UnlessTheLineSaysOtherwise() throws Exception {
        Record a = responder.exchange(query(ZONE, Type.A)).getSection(Section.ANSWER).get(0);
        assertThat(a.rdataToString()).isEqualTo("198.51.100.1");
        assertThat(a.getTTL()).isEqualTo(3600);
        assertThat(responder.exchange(query(ZONE, Type.NS)).getSection(Section.ANSWER).get(0).rdataToString())
                .isEqualTo("ns1.auth.example.test.");
        assertThat(responder.exchange(query("ns1." + ZONE, Type.A)).getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(300);
        Record cname = responder.exchange(query("www.deep." + ZONE, Type.A)).getSection(Section.ANSWER).get(0);
        assertThat(cname.getType()).isEqualTo(Type.CNAME);
    }

    @Test
    void anAliasInsideTheZoneIsFollowedAndALoopEnds() throws Exception {
        List<Record> chain = responder.exchange(query("www.deep." + ZONE, Type.A)).getSection(Section.ANSWER);
        assertThat(chain).extracting(Record::getType).containsExactly(Type.CNAME, Type.A);
        assertThat(chain.get(1).rdataToString()).isEqualTo("198.51.100.1");
        assertThat(responder.exchange(query("www.deep." + ZONE, Type.CNAME)).getSection(Section.ANSWER)).hasSize(1);
        Message loop = responder.exchange(query("loop1." + ZONE, Type.TXT));
        assertThat(loop.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(loop.getSection(Section.ANSWER)).hasSize(2).allMatch(r -> r.getType() == Type.CNAME);
    }

    @Test
    void txtOfASubdomainAnswersItsValuesWithTtl1AndTheOwnerAsAsked() throws Exception {
        JsonNode account = responder.register();
        String value = "x".repeat(43);
        responder.update(account, value);
        String asked = account.get("subdomain").asText().toUpperCase() + ".Auth.Example.TEST.";
        Message answer = responder.exchange(query(asked, Type.TXT));
        assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answer.getHeader().getFlag(Flags.AA)).isTrue();
        TXTRecord txt = (TXTRecord) answer.getSection(Section.ANSWER).get(0);
        assertThat(txt.getStrings()).containsExactly(value);
        assertThat(txt.getTTL()).isEqualTo(1);
        assertThat(txt.getName().toString()).isEqualTo(asked);
    }

    @Test
    void registeredNameBeforeItsFirstUpdateIsNodataNotNxdomain() throws Exception {
        JsonNode account = responder.register();
        Message answer = responder.exchange(query(account.get("fulldomain").asText() + ".", Type.TXT));
        assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answer.getSection(Section.ANSWER)).isEmpty();
        assertThat(answer.getSection(Section.AUTHORITY)).singleElement().extracting(Record::getType).isEqualTo(Type.SOA);
    }

    @Test
    void unknownNameInTheZoneIsNxdomainWithAuthorityAndSoa() throws Exception {
        Message answer = responder.exchange(query("nobody." + ZONE, Type.TXT));
        assertThat(answer.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(answer.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(answer.getSection(Section.AUTHORITY)).singleElement().extracting(Record::getType).isEqualTo(Type.SOA);
    }

    @Test
    void emptyNonTerminalAndOtherTypesOfExistingNamesAreNodata() throws Exception {
        assertThat(responder.exchange(query("deep." + ZONE, Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
        Message aaaa = responder.exchange(query("ns1." + ZONE, Type.AAAA));
        assertThat(aaaa.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(aaaa.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void outOfZoneNamesAreRefusedWithoutAuthorityNorRecursion() throws Exception {
        Message answer = responder.exchange(query("example.com.", Type.A));
        assertThat(answer.getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(answer.getHeader().getFlag(Flags.AA)).isFalse();
        assertThat(answer.getHeader().getFlag(Flags.RA)).isFalse();
        assertThat(answer.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void ednsIsEchoedOnlyWhenAskedAndOtherVersionsGetBadvers() throws Exception {
        assertThat(responder.exchange(query(ZONE, Type.SOA)).getOPT()).isNull();
        Message withOpt = responder.exchange(withEdns(query(ZONE, Type.SOA), 4096, 0));
        assertThat(withOpt.getOPT()).isNotNull();
        assertThat(withOpt.getRcode()).isEqualTo(Rcode.NOERROR);
        Message badvers = responder.exchange(withEdns(query(ZONE, Type.SOA), 4096, 1));
        assertThat(badvers.getOPT()).isNotNull();
        assertThat(badvers.getRcode()).isEqualTo(Rcode.BADVERS);
    }

    @Test
    void opcodesOtherThanQueryAreNotImplemented() throws Exception {
        Message notify = query(ZONE, Type.SOA);
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        assertThat(responder.exchange(notify).getRcode()).isEqualTo(Rcode.NOTIMP);
    }

    @ParameterizedTest(name = "{0} questions")
    @ValueSource(ints = {0, 2})
    void anythingButOneQuestionIsFormerr(int questions) throws Exception {
        Message message = new Message();
        for (int i = 0; i < questions; i++) {
            message.addRecord(Record.newRecord(Name.fromString(ZONE), Type.A, DClass.IN), Section.QUESTION);
        }
        assertThat(responder.exchange(message).getRcode()).isEqualTo(Rcode.FORMERR);
    }

    @Test
    void zoneTransfersAreRefused() throws Exception {
        assertThat(responder.exchangeTcp(query(ZONE, Type.AXFR)).getRcode()).isEqualTo(Rcode.REFUSED);
    }

    @Test
    void anyIsAnsweredMinimally() throws Exception {
        Message answer = responder.exchange(query(ZONE, Type.ANY));
        assertThat(answer.getSection(Section.ANSWER)).singleElement().extracting(Record::getType).isEqualTo(Type.HINFO);
    }

    @Test
    void tcpAnswersLikeUdp() throws Exception {
        JsonNode account = responder.register();
        responder.update(account, "t".repeat(43));
        Message answer = responder.exchangeTcp(query(account.get("fulldomain").asText() + ".", Type.TXT));
        assertThat(answer.getSection(Section.ANSWER)).hasSize(1);
    }

    @Test
    void answersAreSizedByTheClientsEdnsBufferWithTcWhenCutAndWholeOverTcp() throws Exception {
        String ten = accountWithValues(10);   // about 600 bytes of answer
        assertThat(responder.exchange(query(ten, Type.TXT)).getHeader().getFlag(Flags.TC)).as("512 without EDNS").isTrue();
        assertThat(responder.rawUdp(query(ten, Type.TXT).toWire())).hasSizeLessThanOrEqualTo(512);
        Message fits = responder.exchange(withEdns(query(ten, Type.TXT), 1232, 0));
        assertThat(fits.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(fits.getSection(Section.ANSWER)).hasSize(10);

        String thirty = accountWithValues(30); // about 1700 bytes: more than this server sends over UDP
        assertThat(responder.rawUdp(withEdns(query(thirty, Type.TXT), 4096, 0).toWire())).hasSizeLessThanOrEqualTo(1232);
        assertThat(responder.exchange(withEdns(query(thirty, Type.TXT), 4096, 0)).getHeader().getFlag(Flags.TC)).isTrue();
        Message tcp = responder.exchangeTcp(query(thirty, Type.TXT));
        assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(tcp.getSection(Section.ANSWER)).hasSize(30);
    }

    private String accountWithValues(int count) throws Exception {
        JsonNode account = responder.register();
        for (int i = 0; i < count; i++) {
            responder.update(account, String.format("%043d", i));
        }
        return account.get("fulldomain").asText() + ".";
    }

    @Test
    void aResponsePacketIsNeverAnswered() throws Exception {
        Message response = query(ZONE, Type.A);
        response.getHeader().setFlag(Flags.QR);
        assertThat(responder.rawUdp(response.toWire())).isNull();
    }
}
