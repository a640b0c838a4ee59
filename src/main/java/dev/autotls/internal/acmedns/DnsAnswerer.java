package dev.autotls.internal.acmedns;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.HINFORecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Turns one DNS query into its answer, authoritatively for one zone, in the order of checks
 * an authoritative server makes: parse, header, question count, EDNS, zone, name, type.
 * Never recurses, never transfers the zone, answers ANY minimally (RFC 8482), and sizes
 * the answer for the transport (setting TC when a UDP answer had to be cut).
 */
public final class DnsAnswerer {
    /** The UDP payload size this server offers and answers with at most (the DNS flag day value). */
    static final int UDP_PAYLOAD = 1232;
    private static final long TXT_TTL = 1;

    private final Zone zone;
    private final TxtRecords txt;

    public DnsAnswerer(Zone zone, TxtRecords txt) {
        this.zone = zone;
        this.txt = txt;
    }

    /**
     * The answer to {@code query}, or null when nothing should be sent (not even a header
     * could be read, or the packet is itself a response).
     *
     * @param tcp whether it came over TCP (answers up to 65535 bytes, no truncation)
     */
    byte[] answer(byte[] query, int length, boolean tcp) {
        if (length < 12) {
            return null;
        }
        Message request;
        try {
            request = new Message(java.nio.ByteBuffer.wrap(query, 0, length));
        } catch (IOException e) {
            if ((query[2] & 0x80) != 0) {
                return null;
            }
            Message formerr = new Message(((query[0] & 0xFF) << 8) | (query[1] & 0xFF));
            formerr.getHeader().setFlag(Flags.QR);
            formerr.getHeader().setOpcode((query[2] >> 3) & 0xF);
            formerr.getHeader().setRcode(Rcode.FORMERR);
            return formerr.toWire();
        }
        if (request.getHeader().getFlag(Flags.QR)) {
            return null;
        }
        Message response = respond(request);
        OPTRecord opt = request.getOPT();
        int limit = tcp ? 65535 : Math.min(UDP_PAYLOAD, opt == null ? 512 : Math.max(512, opt.getPayloadSize()));
        return response.toWire(limit);
    }

    private Message respond(Message request) {
        Message response = new Message(request.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setOpcode(request.getHeader().getOpcode());
        if (request.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        List<Record> questions = request.getSection(Section.QUESTION);
        if (request.getHeader().getOpcode() != Opcode.QUERY) {
            questions.forEach(q -> response.addRecord(q, Section.QUESTION));
            return withRcode(response, request, Rcode.NOTIMP);
        }
        if (questions.size() != 1) {
            return withRcode(response, request, Rcode.FORMERR);
        }
        Record question = questions.get(0);
        response.addRecord(question, Section.QUESTION);
        OPTRecord opt = request.getOPT();
        if (opt != null && opt.getVersion() != 0) {
            response.getHeader().setRcode(Rcode.BADVERS & 0xF);
            response.addRecord(new OPTRecord(UDP_PAYLOAD, Rcode.BADVERS >>> 4, 0, 0), Section.ADDITIONAL);
            return response;
        }
        Name name = question.getName();
        int type = question.getType();
        if (!zone.contains(name) || question.getDClass() != DClass.IN && question.getDClass() != DClass.ANY) {
            return withRcode(response, request, Rcode.REFUSED);
        }
        if (type == Type.AXFR || type == Type.IXFR) {
            return withRcode(response, request, Rcode.REFUSED);
        }
        response.getHeader().setFlag(Flags.AA);
        List<Record> answers = new ArrayList<>();
        boolean exists = lookup(name, type, answers);
        Name alias = aliasTarget(answers, type);
        if (alias != null) {
            exists = followAliases(name, alias, type, answers, exists);
        }
        if (!answers.isEmpty()) {
            answers.forEach(r -> response.addRecord(r, Section.ANSWER));
        } else {
            response.addRecord(zone.soa, Section.AUTHORITY);
            if (!exists) {
                response.getHeader().setRcode(Rcode.NXDOMAIN);
            }
        }
        return withOpt(response, request);
    }

    /**
     * RFC 1034 4.3.2 step 3a: a CNAME to a name in this zone is followed here, as knot does,
     * so a stub resolver (Pebble's, a client's) gets the TXT with the alias. Each name is
     * visited once, which ends a loop in the configured records. Returns whether the last
     * name looked up exists.
     */
    private boolean followAliases(Name owner, Name alias, int type, List<Record> answers, boolean ownerExists) {
        boolean exists = ownerExists;
        Set<Name> visited = new HashSet<>(List.of(owner));
        for (Name next = alias; next != null && zone.contains(next) && visited.add(next); ) {
            List<Record> more = new ArrayList<>();
            exists = lookup(next, type, more);
            answers.addAll(more);
            next = aliasTarget(more, type);
        }
        return exists;
    }

    /** The target of the CNAME among {@code answers} when the question was for another type; else null. */
    private static Name aliasTarget(List<Record> answers, int type) {
        if (type == Type.CNAME || type == Type.ANY) {
            return null;
        }
        for (Record record : answers) {
            if (record instanceof CNAMERecord cname) {
                return cname.getTarget();
            }
        }
        return null;
    }

    /** Fills {@code answers}; returns whether the name exists at all (NODATA versus NXDOMAIN). */
    private boolean lookup(Name name, int type, List<Record> answers) {
        List<Record> statics = zone.staticRecords(name);
        String[] dynamic = dynamicTxt(name);
        boolean exists = zone.exists(name) || dynamic != null;
        if (!exists) {
            return false;
        }
        if (type == Type.ANY) {
            answers.add(new HINFORecord(name, DClass.IN, Zone.STATIC_TTL, "RFC8482", ""));
            return true;
        }
        if (type == Type.SOA && name.equals(zone.origin)) {
            answers.add(zone.soa);
            return true;
        }
        for (Record record : statics) {
            if (record.getType() == type || record.getType() == Type.CNAME && type != Type.CNAME) {
                answers.add(record);
            }
        }
        if (type == Type.TXT && dynamic != null) {
            for (String value : dynamic) {
                answers.add(new TXTRecord(name, DClass.IN, TXT_TTL, value));
            }
        }
        return true;
    }

    /** TXT values of a registered subdomain ({@code <label>.<zone>}) or of a published name; null if neither. */
    private String[] dynamicTxt(Name name) {
        if (txt.hasPublishedNames()) { // skips building the name's text on every query
            String[] published = txt.valuesAtName(name.toString(true));
            if (published != null) {
                return published;
            }
        }
        if (name.labels() == zone.origin.labels() + 1) {
            return txt.values(name.getLabelString(0));
        }
        return null;
    }

    private static Message withRcode(Message response, Message request, int rcode) {
        response.getHeader().setRcode(rcode);
        return withOpt(response, request);
    }

    private static Message withOpt(Message response, Message request) {
        if (request.getOPT() != null) {
            response.addRecord(new OPTRecord(UDP_PAYLOAD, 0, 0, 0), Section.ADDITIONAL);
        }
        return response;
    }
}
