package dev.autotls.internal.acme;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.exception.AcmeProtocolException;
import org.shredzone.acme4j.toolbox.JSON;

/**
 * The dns-persist-01 challenge (draft-ietf-acme-dns-persist), which acme4j 4.0 lacks. It
 * has no token: the answer is a TXT record the owner published once. Accepts the three
 * shapes CAs send: {@code issuer-domain-names} (draft -00, Pebble 2.10), the same plus
 * {@code accounturi} (draft -01), and {@code issuerDomainNames} (draft -02).
 */
public class DnsPersist01Challenge extends Challenge {
    private static final long serialVersionUID = 1L;
    public static final String TYPE = "dns-persist-01";
    /** The most issuer names a client accepts from one challenge (draft -02, section 3.1). */
    public static final int MAX_ISSUER_NAMES = 10;

    /** Never throws for a malformed list: that would break the other challenges of the authorization too. */
    public DnsPersist01Challenge(Login login, JSON data) {
        super(login, data);
    }

    @Override
    protected boolean acceptable(String type) {
        return TYPE.equals(type);
    }

    /**
     * The issuer domain names the record may name, lower case without trailing dot.
     *
     * @throws AcmeProtocolException if the list is missing, empty or longer than ten
     */
    public List<String> issuerDomainNames() {
        JSON json = getJSON();
        JSON.Value list = json.contains("issuerDomainNames") ? json.get("issuerDomainNames") : json.get("issuer-domain-names");
        if (!list.isPresent()) {
            throw new AcmeProtocolException("the CA's dns-persist-01 challenge is malformed: it names no issuer domain names "
                    + "(neither issuerDomainNames nor issuer-domain-names)");
        }
        List<String> names = new ArrayList<>();
        for (JSON.Value value : list.asArray()) {
            String name = value.asString().toLowerCase(Locale.ROOT);
            names.add(name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
        }
        if (names.isEmpty() || names.size() > MAX_ISSUER_NAMES) {
            throw new AcmeProtocolException("the CA's dns-persist-01 challenge is malformed: it lists " + names.size()
                    + " issuer domain names; between 1 and " + MAX_ISSUER_NAMES + " are allowed");
        }
        return names;
    }

    /** The account URI the CA asks the record to carry (draft -01 only). */
    public Optional<String> accountUri() {
        JSON.Value value = getJSON().get("accounturi");
        return value.isPresent() ? Optional.of(value.asString()) : Optional.empty();
    }
}
