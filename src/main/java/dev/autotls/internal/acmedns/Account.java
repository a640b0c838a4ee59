package dev.autotls.internal.acmedns;

import java.util.List;
import java.util.UUID;

/**
 * One acme-dns registration: who may update (username, bcrypt hash of the password, the
 * allowed source ranges) and which name they update ({@code <subdomain>.<zone>}).
 */
public record Account(UUID username, String passwordHash, String subdomain, List<Cidr> allowFrom) {
    public Account {
        allowFrom = List.copyOf(allowFrom);
    }

    @Override
    public String toString() {
        return "Account[" + username + ", subdomain " + subdomain + ", allowfrom " + allowFrom + "]"; // never the hash
    }
}
