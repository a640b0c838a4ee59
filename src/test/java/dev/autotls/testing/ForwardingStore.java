package dev.autotls.testing;

import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.Lease;
import dev.autotls.spi.Locker;
import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A store that hands every call to {@link #delegate()}, the SPI's defaulted methods too (a wrapper that
 * left them out would answer from the defaults, not from the real store): tests extend it to count or
 * slow down only the calls they look at.
 */
public abstract class ForwardingStore implements CertificateStore {

    /** The store the calls go to, asked at each call (a test may swap it). */
    protected abstract CertificateStore delegate();

    @Override
    public Optional<byte[]> load(String key) throws IOException {
        return delegate().load(key);
    }

    @Override
    public Map<String, byte[]> loadAll(Collection<String> keys) throws IOException {
        return delegate().loadAll(keys);
    }

    @Override
    public void save(String key, byte[] data, Sensitivity sensitivity) throws IOException {
        delegate().save(key, data, sensitivity);
    }

    @Override
    public void saveAll(List<Item> items, Lease guard) throws IOException {
        delegate().saveAll(items, guard);
    }

    @Override
    public List<String> list(String folderKey) throws IOException {
        return delegate().list(folderKey);
    }

    @Override
    public void delete(String key) throws IOException {
        delegate().delete(key);
    }

    @Override
    public Map<String, Long> versions(Collection<String> keys) throws IOException {
        return delegate().versions(keys);
    }

    @Override
    public Optional<Changes> changesSince(long position) throws IOException {
        return delegate().changesSince(position);
    }

    @Override
    public Optional<AutoCloseable> whenChanged(Runnable listener) throws IOException {
        return delegate().whenChanged(listener);
    }

    @Override
    public void saveNextLook(NextLook look) throws IOException {
        delegate().saveNextLook(look);
    }

    @Override
    public void deleteNextLook(String folderKey) throws IOException {
        delegate().deleteNextLook(folderKey);
    }

    @Override
    public List<NextLook> nextLooks(String parentKey, Instant before, int limit) throws IOException {
        return delegate().nextLooks(parentKey, before, limit);
    }

    @Override
    public Locker locker() {
        return delegate().locker();
    }

    @Override
    public String describe() {
        return delegate().describe();
    }

    @Override
    public void close() {
        delegate().close();
    }
}
