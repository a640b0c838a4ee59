package dev.autotls.internal.acmedns;

import dev.autotls.acmedns.Database;
import dev.autotls.acmedns.ResponderConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Fuzz target (scripts/fuzz.sh): one raw packet, as a UDP datagram and as a TCP message,
 * into the answerer the servers call, with the packet in a larger buffer whose tail is
 * junk (the UDP server reuses one 64 KiB buffer). The answer is either nothing (the packet
 * had no header or was a response) or one well-formed message with the query's ID, no larger
 * than allowed: 512 bytes without EDNS, the client's EDNS size but at most 1232 over UDP,
 * 65535 and never truncated over TCP.
 *
 * <p>The zone holds what makes answers interesting: CNAME chains in and out of the zone, a
 * CNAME loop, empty non-terminals, a registered name without values, one with 100 values and
 * a static name whose TXT records outgrow a UDP answer.
 */
public final class DnsAnswererFuzzer {
    private static final DnsAnswerer ANSWERER = answerer();

    private DnsAnswererFuzzer() {
    }

    /** Called by Jazzer before the first input: builds the fixture, outside the time limit each input has. */
    public static void fuzzerInitialize() {
    }

    public static void fuzzerTestOneInput(byte[] packet) {
        check(packet, false);
        check(packet, true);
    }

    private static void check(byte[] packet, boolean tcp) {
        byte[] buffer = Arrays.copyOf(packet, packet.length + 64);
        Arrays.fill(buffer, packet.length, buffer.length, (byte) 0xC0); // a compression pointer, were it read
        byte[] answer = ANSWERER.answer(buffer, packet.length, tcp);
        boolean isQuery = packet.length >= 12 && (packet[2] & 0x80) == 0;
        if (answer == null) {
            if (isQuery) {
                throw new AssertionError("a query with a readable header got no answer (tcp=" + tcp + ")");
            }
            return;
        }
        if (!isQuery) {
            throw new AssertionError("answered a packet that is no query (tcp=" + tcp + ")");
        }
        Message query = parseOrNull(packet);
        int limit = tcp ? 65535 : udpLimit(query);
        if (answer.length > limit) {
            throw new AssertionError("a " + (tcp ? "TCP" : "UDP") + " answer of " + answer.length + " bytes, over " + limit);
        }
        Message response;
        try {
            response = new Message(answer);
        } catch (IOException e) {
            throw new AssertionError("the answer is not a well-formed DNS message (tcp=" + tcp + ")", e);
        }
        int id = ((packet[0] & 0xFF) << 8) | (packet[1] & 0xFF);
        if (response.getHeader().getID() != id || !response.getHeader().getFlag(Flags.QR)) {
            throw new AssertionError("the answer does not carry the query's ID with QR set: " + response.getHeader());
        }
        if (tcp && response.getHeader().getFlag(Flags.TC)) {
            throw new AssertionError("a TCP answer was truncated");
        }
        if (query != null && response.getRcode() != Rcode.FORMERR && response.getRcode() != Rcode.NOTIMP
                && response.getRcode() != Rcode.BADVERS) {
            List<Record> asked = query.getSection(Section.QUESTION);
            List<Record> echoed = response.getSection(Section.QUESTION);
            if (!asked.equals(echoed)) {
                throw new AssertionError("the answer's question " + echoed + " is not the query's " + asked);
            }
        }
    }

    /** As the README promises: 512 bytes without EDNS, else the client's size within 512 and 1232. */
    private static int udpLimit(Message query) {
        OPTRecord opt = query == null ? null : query.getOPT();
        return opt == null ? 512 : Math.min(1232, Math.max(512, opt.getPayloadSize()));
    }

    private static Message parseOrNull(byte[] packet) {
        try {
            return new Message(packet);
        } catch (IOException e) {
            return null;
        }
    }

    private static DnsAnswerer answerer() {
        String zone = "auth.example.org";
        ResponderConfig.Builder config = ResponderConfig.builder(zone).nsName("ns1." + zone)
                .database(Database.sqlite(Path.of("never-opened.db")))
                .record(zone + ". A 198.51.100.1")
                .record(zone + ". NS ns1." + zone + ".")
                .record("ns1." + zone + ". AAAA 2001:db8::1")
                .record("alias." + zone + ". CNAME target." + zone + ".")
                .record("target." + zone + ". A 198.51.100.2")
                .record("target." + zone + ". TXT \"static\"")
                .record("loop1." + zone + ". CNAME loop2." + zone + ".")
                .record("loop2." + zone + ". CNAME loop1." + zone + ".")
                .record("out." + zone + ". CNAME elsewhere.example.com.")
                .record("_acme-challenge.www." + zone + ". CNAME d420c923-bbd7-4056-ab64-c3ca54c9b3cf." + zone + ".")
                .record("leaf.deep.under." + zone + ". MX 10 mail.example.com.");
        String longText = "x".repeat(200);
        for (int i = 0; i < 10; i++) {
            config.record("big." + zone + ". TXT \"" + i + longText + "\"");
        }
        try {
            Zone built = new Zone(config.build(), 2026112501L);
            TxtRecords txt = new TxtRecords();
            txt.put("d420c923-bbd7-4056-ab64-c3ca54c9b3cf", List.of(value('a'), value('b')));
            txt.put("6f1d3d43-0000-4000-8000-000000000000", List.of());
            List<String> many = new ArrayList<>(Collections.nCopies(100, value('c')));
            txt.put("b2b2b2b2-1111-4111-8111-111111111111", many);
            txt.putName("_acme-challenge." + zone, List.of(value('d')));
            return new DnsAnswerer(built, txt);
        } catch (IOException e) {
            throw new IllegalStateException("the fuzz zone does not build", e);
        }
    }

    private static String value(char c) {
        return String.valueOf(c).repeat(43);
    }
}
