package dev.autotls.internal.acmedns;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link AccountStore} in memory with acme-dns's slot rotation, for the API fuzz target:
 * it never fails, so any {@code 500} the API answers comes from the handler itself.
 */
final class MemoryAccountStore implements AccountStore {
    private final Map<UUID, Account> accounts = new ConcurrentHashMap<>();
    private final Map<String, String[]> slots = new ConcurrentHashMap<>();

    @Override
    public void register(Account account, int slotCount) {
        accounts.put(account.username(), account);
        slots.put(account.subdomain(), new String[slotCount]);
    }

    @Override
    public Optional<Account> find(UUID username) {
        return Optional.ofNullable(accounts.get(username));
    }

    @Override
    public synchronized List<String> update(String subdomain, String value, long unixSeconds) {
        String[] values = slots.get(subdomain);
        System.arraycopy(values, 0, values, 1, values.length - 1); // the oldest falls out
        values[0] = value;
        return current(values);
    }

    @Override
    public Optional<List<String>> values(String subdomain) {
        String[] values = slots.get(subdomain);
        return values == null ? Optional.empty() : Optional.of(current(values));
    }

    @Override
    public Map<String, List<String>> allValues() {
        Map<String, List<String>> all = new LinkedHashMap<>();
        slots.forEach((subdomain, values) -> all.put(subdomain, current(values)));
        return all;
    }

    /** Forgets every account registered through the API, keeping those given here. */
    synchronized void keepOnly(List<Account> kept) {
        accounts.keySet().removeIf(user -> kept.stream().noneMatch(a -> a.username().equals(user)));
        slots.keySet().removeIf(subdomain -> kept.stream().noneMatch(a -> a.subdomain().equals(subdomain)));
    }

    private static List<String> current(String[] values) {
        List<String> current = new ArrayList<>();
        for (String value : values) {
            if (value != null) {
                current.add(value);
            }
        }
        return current;
    }

    @Override
    public void close() {
    }
}
