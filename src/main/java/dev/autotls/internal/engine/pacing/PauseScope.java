package dev.autotls.internal.engine.pacing;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a CA's 429 {@code rateLimited} holds back, read from its problem: new orders for one
 * registered domain when the problem names one of the order's (a subproblem's identifier, or a
 * quoted name in its detail, as Let's Encrypt writes "too many certificates (50) already issued for
 * \"example.com\""), else every new order to the account. Limits of one exact set of names or of
 * failed validations concern the certificate alone: its own back-off (never before Retry-After)
 * is enough, and nothing is paused.
 *
 * @param kind   what is paused
 * @param domain the registered domain, for {@link Kind#DOMAIN}
 */
record PauseScope(Kind kind, Optional<String> domain) {
    enum Kind { ACCOUNT, DOMAIN, CERTIFICATE }

    static PauseScope of(String detail, List<String> identifiers, List<String> orderNames) {
        String text = detail.toLowerCase(Locale.ROOT);
        if (text.contains("exact set") || text.contains("duplicate") || text.contains("failed authorization")
                || text.contains("failed validation")) {
            return new PauseScope(Kind.CERTIFICATE, Optional.empty());
        }
        List<String> domains = RegisteredDomains.of(orderNames);
        for (String identifier : identifiers) {
            String domain = RegisteredDomains.of(identifier);
            if (domains.contains(domain)) {
                return new PauseScope(Kind.DOMAIN, Optional.of(domain));
            }
        }
        if (!text.contains("account")) {
            for (String domain : domains) {
                if (text.contains("\"" + domain + "\"") || text.contains("\u201c" + domain + "\u201d")) {
                    return new PauseScope(Kind.DOMAIN, Optional.of(domain));
                }
            }
        }
        return new PauseScope(Kind.ACCOUNT, Optional.empty());
    }
}
