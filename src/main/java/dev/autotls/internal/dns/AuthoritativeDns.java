package dev.autotls.internal.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CAARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Looks names up where the truth is: at the authoritative servers of their zone, found
 * through the configured resolvers ({@code autotls.dns.resolvers}, default the system's),
 * so preflight checks never read a stale cache. Where a zone's name servers cannot be
 * found or reached, the resolvers themselves are asked (and the answer may be cached).
 * Never follows a CNAME on its own: callers ask for exactly the record they check.
 */
public final class AuthoritativeDns {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** Where a zone's servers are changes rarely; polls (awaiting a TXT value) should not walk the tree each time. */
    private static final Duration SERVERS_CACHED = Duration.ofMinutes(5);

    private final List<InetSocketAddress> resolvers;
    private final com.github.benmanes.caffeine.cache.Cache<Name, List<InetSocketAddress>> servers =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().expireAfterWrite(SERVERS_CACHED).maximumSize(10_000).build();

    /** @param resolvers host:port of recursive resolvers; empty means the system's */
    public AuthoritativeDns(List<InetSocketAddress> resolvers) {
        List<InetSocketAddress> chosen = new ArrayList<>();
        for (InetSocketAddress resolver : resolvers) {
            chosen.add(resolver.isUnresolved() ? new InetSocketAddress(resolver.getHostString(), resolver.getPort()) : resolver);
        }
        if (chosen.isEmpty()) {
            chosen.addAll(ResolverConfig.getCurrentConfig().servers());
        }
        this.resolvers = List.copyOf(chosen);
    }

    /** What an authoritative answer said about one name and type. */
    public record Answer(int rcode, List<Record> records, String source) {
        public boolean nxdomain() {
            return rcode == Rcode.NXDOMAIN;
        }
    }

    /** The CNAME target at {@code name}, as its zone's servers say, or empty when there is none. */
    public Optional<String> cname(String name) throws IOException {
        Answer answer = authoritative(name, Type.CNAME);
        for (Record record : answer.records()) {
            if (record instanceof CNAMERecord && record.getName().equals(absolute(name))) {
                return Optional.of(((CNAMERecord) record).getTarget().toString(true).toLowerCase(java.util.Locale.ROOT));
            }
        }
        return Optional.empty();
    }

    /** The TXT strings at {@code name} (each record's strings joined), as its zone's servers say. */
    public List<String> txt(String name) throws IOException {
        List<String> values = new ArrayList<>();
        for (Record record : authoritative(name, Type.TXT).records()) {
            if (record instanceof TXTRecord && record.getName().equals(absolute(name))) {
                values.add(String.join("", ((TXTRecord) record).getStrings()));
            }
        }
        return values;
    }

    /**
     * The CAA records at exactly {@code name} (RFC 8659), as its zone's servers say; empty
     * when there are none there (the caller climbs to the parents itself).
     */
    public List<CAARecord> caa(String name) throws IOException {
        List<CAARecord> found = new ArrayList<>();
        for (Record record : authoritative(name, Type.CAA).records()) {
            if (record instanceof CAARecord && record.getName().equals(absolute(name))) {
                found.add((CAARecord) record);
            }
        }
        return found;
    }

    /**
     * The TXT strings at {@code name} as {@code server} itself answers, with authority (for a
     * zone's own primary, which need not be listed in its NS set).
     *
     * @throws IOException when the server does not answer, or not authoritatively
     */
    public static List<String> txtAt(InetSocketAddress server, String name) throws IOException {
        Message response = send(server, absolute(name), Type.TXT, false);
        if (!response.getHeader().getFlag(Flags.AA)
                || (response.getRcode() != Rcode.NOERROR && response.getRcode() != Rcode.NXDOMAIN)) {
            throw new IOException(server + " gave no authoritative answer for " + name + " ("
                    + Rcode.string(response.getRcode()) + ")");
        }
        List<String> values = new ArrayList<>();
        for (Record record : response.getSection(Section.ANSWER)) {
            if (record instanceof TXTRecord && record.getName().equals(absolute(name))) {
                values.add(String.join("", ((TXTRecord) record).getStrings()));
            }
        }
        return values;
    }

    /** The addresses of the servers in {@code zone}'s NS set, resolved through the resolvers; empty when none resolve. */
    public List<InetSocketAddress> zoneServers(String zone) throws TextParseException {
        return nameServers(absolute(zone));
    }

    /** Asks the authoritative servers of {@code name}'s zone (or the resolvers if none can be used). */
    public Answer authoritative(String name, int type) throws IOException {
        Name target = absolute(name);
        IOException last = null;
        for (InetSocketAddress server : servers.get(target, this::nameServers)) {
            try {
                Message response = send(server, target, type, false);
                if (response.getHeader().getFlag(Flags.AA)) {
                    return new Answer(response.getRcode(), response.getSection(Section.ANSWER), server.toString());
                }
            } catch (IOException e) {
                last = e;
            }
        }
        for (InetSocketAddress resolver : resolvers) {
            try {
                Message response = send(resolver, target, type, true);
                if (response.getRcode() == Rcode.NOERROR || response.getRcode() == Rcode.NXDOMAIN) {
                    return new Answer(response.getRcode(), response.getSection(Section.ANSWER), resolver + " (resolver)");
                }
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException("no DNS server answered for " + name + " (resolvers " + resolvers + ")"
                + (last != null ? ": " + last.getMessage() : ""), last);
    }

    /**
     * The addresses of the name servers of the zone that holds {@code name}: the closest
     * enclosing name with an NS set, each server's A/AAAA resolved through the resolvers.
     * Empty when none can be found or resolved.
     */
    List<InetSocketAddress> nameServers(Name name) {
        for (Name candidate = name; candidate.labels() > 1; candidate = new Name(candidate, 1)) {
            Message response = askResolvers(candidate, Type.NS);
            if (response == null) {
                return List.of();
            }
            List<Name> hosts = new ArrayList<>();
            for (Record record : response.getSection(Section.ANSWER)) {
                if (record instanceof NSRecord && record.getName().equals(candidate)) {
                    hosts.add(((NSRecord) record).getTarget());
                }
            }
            if (!hosts.isEmpty()) {
                List<InetSocketAddress> addresses = new ArrayList<>();
                for (Name host : hosts) {
                    addresses.addAll(addresses(host));
                }
                return addresses;
            }
        }
        return List.of();
    }

    private List<InetSocketAddress> addresses(Name host) {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int type : new int[] {Type.A, Type.AAAA}) {
            Message response = askResolvers(host, type);
            if (response == null) {
                continue;
            }
            for (Record record : response.getSection(Section.ANSWER)) {
                InetAddress address = record instanceof ARecord ? ((ARecord) record).getAddress()
                        : record instanceof AAAARecord ? ((AAAARecord) record).getAddress() : null;
                if (address != null) {
                    addresses.add(new InetSocketAddress(address, 53));
                }
            }
        }
        return addresses;
    }

    private Message askResolvers(Name name, int type) {
        for (InetSocketAddress resolver : resolvers) {
            try {
                return send(resolver, name, type, true);
            } catch (IOException e) {
                // try the next resolver
            }
        }
        return null;
    }

    private static Message send(InetSocketAddress server, Name name, int type, boolean recursive) throws IOException {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTimeout(TIMEOUT);
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        if (!recursive) {
            query.getHeader().unsetFlag(Flags.RD);
        }
        return resolver.send(query);
    }

    private static Name absolute(String name) throws TextParseException {
        return Name.fromString(name.endsWith(".") ? name : name + ".");
    }
}
