package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.acmedns.ResponderConfig.ResponseRateLimit;
import dev.autotls.internal.acmedns.ResponseRateLimiter.Verdict;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** Response rate limiting decided on a clock the test moves: per network, per answer, with debt and slip. */
class ResponseRateLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final DefenceCounters counters = new DefenceCounters();
    private final ResponseRateLimiter limiter = new ResponseRateLimiter(new ResponseRateLimit(10, 3, 2, 24, 56), counters, now::get);

    private static byte[] answer(String name, int type, int rcode, boolean withRecord) throws Exception {
        Message message = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        message.getHeader().setFlag(Flags.QR);
        message.getHeader().setRcode(rcode);
        if (withRecord) {
            message.addRecord(new TXTRecord(Name.fromString(name), DClass.IN, 1, "v".repeat(43)), Section.ANSWER);
        }
        return message.toWire();
    }

    private static byte[] txt(String name) throws Exception {
        return answer(name, Type.TXT, Rcode.NOERROR, true);
    }

    private List<Verdict> send(String client, byte[] answer, int times) throws Exception {
        List<Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            verdicts.add(limiter.check(InetAddress.getByName(client), answer));
        }
        return verdicts;
    }

    private void advance(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void aSecondsWorthPassesThenEveryOtherHeldBackAnswerGoesOutTruncated() throws Exception {
        List<Verdict> verdicts = send("192.0.2.1", txt("a.auth.test."), 16);
        assertThat(verdicts.subList(0, 10)).containsOnly(Verdict.SEND);
        assertThat(verdicts.subList(10, 16)).containsExactly(Verdict.TRUNCATE, Verdict.DROP, Verdict.TRUNCATE, Verdict.DROP,
                Verdict.TRUNCATE, Verdict.DROP);
        assertThat(counters.snapshot().udpTruncated()).isEqualTo(3);
        assertThat(counters.snapshot().udpDropped()).isEqualTo(3);
    }

    @Test
    void theWholeSlash24SharesOneBudgetAndTheNextSlash24HasItsOwn() throws Exception {
        byte[] answer = txt("a.auth.test.");
        send("192.0.2.1", answer, 10);
        assertThat(send("192.0.2.200", answer, 1)).containsExactly(Verdict.TRUNCATE);
        assertThat(send("192.0.3.1", answer, 10)).containsOnly(Verdict.SEND);
    }

    @Test
    void ipv6NetworksAreSlash56() throws Exception {
        byte[] answer = txt("a.auth.test.");
        send("2001:db8:0:100::1", answer, 10);
        assertThat(send("2001:db8:0:1ff:ffff::2", answer, 1)).as("same /56").containsExactly(Verdict.TRUNCATE);
        assertThat(send("2001:db8:0:200::1", answer, 10)).as("the next /56").containsOnly(Verdict.SEND);
    }

    @Test
    void eachNameAndTypeHasItsOwnBudgetWhateverTheCase() throws Exception {
        send("192.0.2.1", txt("a.auth.test."), 10);
        assertThat(send("192.0.2.1", txt("A.Auth.Test."), 1)).containsExactly(Verdict.TRUNCATE);
        assertThat(send("192.0.2.1", txt("b.auth.test."), 10)).containsOnly(Verdict.SEND);
        assertThat(send("192.0.2.1", answer("a.auth.test.", Type.A, Rcode.NOERROR, false), 10)).containsOnly(Verdict.SEND);
    }

    @Test
    void nxdomainForAnyNameAndErrorsOfAnyKindShareABudgetEach() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertThat(send("192.0.2.1", answer("r" + i + ".auth.test.", Type.TXT, Rcode.NXDOMAIN, false), 1))
                    .containsOnly(Verdict.SEND);
        }
        assertThat(send("192.0.2.1", answer("other.auth.test.", Type.A, Rcode.NXDOMAIN, false), 1))
                .containsExactly(Verdict.TRUNCATE);
        for (int i = 0; i < 10; i++) {
            assertThat(send("192.0.2.1", answer("x" + i + ".example.", Type.A, i % 2 == 0 ? Rcode.REFUSED : Rcode.FORMERR,
                    false), 1)).containsOnly(Verdict.SEND);
        }
        assertThat(send("192.0.2.1", answer("y.example.", Type.MX, Rcode.NOTIMP, false), 1)).containsExactly(Verdict.TRUNCATE);
    }

    @Test
    void aClientPaysOffItsDebtBeforeItIsAnsweredAgain() throws Exception {
        byte[] answer = txt("a.auth.test.");
        send("192.0.2.1", answer, 100); // far past the window's worth of debt (3 s x 10)
        advance(2_500);
        assertThat(send("192.0.2.1", answer, 1)).as("25 tokens back of 30 owed").doesNotContain(Verdict.SEND);
        advance(1_000);
        assertThat(send("192.0.2.1", answer, 1)).as("paid off").containsExactly(Verdict.SEND);
    }

    @Test
    void aClientAtTheRateIsNeverLimited() throws Exception {
        byte[] answer = txt("a.auth.test.");
        for (int i = 0; i < 600; i++) { // a minute at 10 a second
            assertThat(send("192.0.2.1", answer, 1)).containsOnly(Verdict.SEND);
            advance(100);
        }
        assertThat(counters.snapshot().udpLimited()).isZero();
    }

    @Test
    void slipZeroDropsEverythingAndSlipOneTruncatesEverything() throws Exception {
        for (int slip : new int[] {0, 1}) {
            ResponseRateLimiter strict = new ResponseRateLimiter(new ResponseRateLimit(1, 1, slip, 24, 56), counters, now::get);
            strict.check(InetAddress.getByName("192.0.2.1"), txt("a.auth.test."));
            for (int i = 0; i < 4; i++) {
                assertThat(strict.check(InetAddress.getByName("192.0.2.1"), txt("a.auth.test.")))
                        .isEqualTo(slip == 0 ? Verdict.DROP : Verdict.TRUNCATE);
            }
        }
    }

    @Test
    void aTruncatedAnswerKeepsIdAndQuestionAndCarriesNoRecords() throws Exception {
        Message original = new Message(txt("a.auth.test."));
        Message cut = new Message(ResponseRateLimiter.truncated(original.toWire()));
        assertThat(cut.getHeader().getID()).isEqualTo(original.getHeader().getID());
        assertThat(cut.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(cut.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(cut.getQuestion()).isEqualTo(original.getQuestion());
        assertThat(cut.getSection(Section.ANSWER)).isEmpty();
        assertThat(cut.getSection(Section.ADDITIONAL)).isEmpty();
        byte[] headerOnly = new byte[12];
        headerOnly[2] = (byte) 0x80;
        assertThat(ResponseRateLimiter.truncated(headerOnly)).hasSize(12);
    }
}
