package dev.autotls.internal.challenge;

import dev.autotls.internal.acme.NotTheCaException;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.OwnerActionException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Update;

/**
 * RFC 2136 dynamic updates of TXT records in the alias zone, signed with the TSIG key, sent
 * to the zone's primary over TCP (an update with two values and a signature can outgrow a
 * UDP answer, and TCP makes a lost packet an error instead of a guess). What the server says
 * becomes one of the library's error kinds: a refusal or a key the server does not accept is
 * the owner's to fix (the sentence names the key, the zone and the {@code update-policy}
 * line); a server that cannot be reached or fails is transient.
 */
final class Rfc2136Updates {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Rfc2136Settings settings;

    Rfc2136Updates(Rfc2136Settings settings) {
        this.settings = settings;
    }

    /** Adds these TXT values at {@code owner} (in the alias zone) in one update; values already there stay. */
    void add(String owner, List<String> values, long ttl) throws AutoTlsException {
        Update update = update();
        for (String value : values) {
            update.add(new TXTRecord(name(owner), DClass.IN, ttl, value));
        }
        send(update, "add TXT at " + owner);
    }

    /** Removes exactly these TXT values at {@code owner}; values not there are no error (RFC 2136 3.4.2.4). */
    void delete(String owner, List<String> values) throws AutoTlsException {
        Update update = update();
        for (String value : values) {
            update.delete(new TXTRecord(name(owner), DClass.IN, 0, value));
        }
        send(update, "remove TXT at " + owner);
    }

    /**
     * A signed update that changes nothing (no prerequisite, no record): the server checks the
     * key's name, algorithm and secret and that it is the primary of the zone, without a write.
     */
    void probe() throws AutoTlsException {
        send(update(), "send a signed test update");
    }

    private Update update() {
        return new Update(name(settings.zone()));
    }

    private void send(Update update, String what) throws AutoTlsException {
        SimpleResolver resolver = new SimpleResolver(resolved());
        resolver.setTCP(true);
        resolver.setTimeout(TIMEOUT);
        resolver.setTSIGKey(settings.key().signer());
        Message answer;
        try {
            answer = resolver.send(update);
        } catch (IOException e) {
            throw new NotTheCaException("could not reach the DNS server " + settings.serverText() + " to " + what
                    + " (RFC 2136): " + e.getMessage() + "; check that it runs and that this host may connect to it", e);
        }
        int rcode = answer.getRcode();
        TSIGRecord signature = answer.getTSIG();
        int tsigError = signature != null ? signature.getError() : Rcode.NOERROR;
        if (rcode == Rcode.NOERROR && tsigError == Rcode.NOERROR) {
            return;
        }
        throw refusal(what, rcode, tsigError);
    }

    /** The error kind and sentence for what the server answered (package-private for its tests). */
    AutoTlsException refusal(String what, int rcode, int tsigError) {
        String key = settings.key().name();
        String zone = settings.zone();
        String server = settings.serverText();
        String policy = "zone \"" + zone + "\" { ...; update-policy { grant " + key + " zonesub TXT; }; };";
        String said = Rcode.string(rcode) + (tsigError != Rcode.NOERROR ? "/" + Rcode.TSIGstring(tsigError) : "");
        if (tsigError == Rcode.BADKEY) {
            return new OwnerActionException("the DNS server " + server + " does not know the TSIG key " + key + " (" + said
                    + "): add key \"" + key + "\" { algorithm " + settings.key().algorithm() + "; secret \"...\"; }; to its "
                    + "named.conf with the secret this host has, and " + policy);
        }
        if (tsigError == Rcode.BADSIG) {
            return new OwnerActionException("the DNS server " + server + " holds another secret or algorithm for the TSIG key "
                    + key + " (" + said + "): give autotls.rfc2136.tsig (or the file of autotls.rfc2136.tsig-file) the "
                    + "algorithm and secret of named.conf's key \"" + key + "\"");
        }
        if (tsigError == Rcode.BADTIME) {
            return new OwnerActionException("the DNS server " + server + " refused the TSIG key " + key + " because its "
                    + "clock and this host's differ by more than 5 minutes (" + said + "): set both clocks right (NTP)");
        }
        if (rcode == Rcode.REFUSED) {
            return new OwnerActionException("the DNS server " + server + " refused to let the TSIG key " + key + " " + what
                    + " (" + said + "): allow it in named.conf, " + policy + ", and reload named");
        }
        if (rcode == Rcode.NOTAUTH || rcode == Rcode.NOTZONE) {
            return new OwnerActionException("the DNS server " + server + " is not the primary of " + zone + " (" + said
                    + "): set autotls.rfc2136.server to the primary's host:port, or make it primary there with " + policy);
        }
        return new NotTheCaException("the DNS server " + server + " failed to " + what + " (" + said
                + "), for the TSIG key " + key + " in " + zone, null);
    }

    private InetSocketAddress resolved() {
        InetSocketAddress server = settings.server();
        return server.isUnresolved() ? new InetSocketAddress(server.getHostString(), server.getPort()) : server;
    }

    private static Name name(String name) {
        try {
            return Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + name, e);
        }
    }
}
