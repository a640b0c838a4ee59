package dev.autotls.internal.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autotls.spi.Lease;
import dev.autotls.spi.Locker;
import dev.autotls.spi.LostLeaseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Leases in a storage folder: one lock file per name under {@code .locks/} holding the owner,
 * the fencing token and the expiry (wall-clock milliseconds, so every process on the folder
 * judges expiry alike), rewritten by the heartbeat. Tokens come from a counter file in the same
 * folder. Every read-check-write happens under the folder's {@link FolderGuard}.
 */
final class FileLocker implements Locker {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path folder;
    private final FolderGuard guard;
    private final AtomicFiles files;
    private final LeaseTimes times;
    private final Heartbeats heartbeats;
    private final String owner;

    FileLocker(Path root, FolderGuard guard, AtomicFiles files, LeaseTimes times, Heartbeats heartbeats) {
        this.folder = root.resolve(".locks");
        this.guard = guard;
        this.files = files;
        this.times = times;
        this.heartbeats = heartbeats;
        this.owner = ProcessHandle.current().pid() + "-" + UUID.randomUUID();
    }

    @Override
    public Optional<Lease> tryAcquire(String name) throws IOException {
        StorageKeys.requireValid(name);
        Path file = lockFile(name);
        Optional<HeldLease> taken = guard.locked(() -> {
            Optional<JsonNode> current = read(file);
            if (current.isPresent() && current.get().path("expiresAt").asLong() > System.currentTimeMillis()) {
                return Optional.empty(); // held, by another instance or by another job of this one
            }
            long token = nextToken();
            write(file, token);
            return Optional.of(new HeldLease(name, token, owner, steps(file), times));
        });
        return taken.map(lease -> lease.beat(heartbeats));
    }

    @Override
    public Lease acquire(String name, Duration maxWait) throws IOException, InterruptedException {
        return Waiting.acquire(this, name, maxWait);
    }

    /** Refuses unless {@code lease} is this owner's and unexpired in the folder; call under the guard. */
    void verifyHeld(Lease lease) throws IOException {
        if (!(lease instanceof HeldLease) || !((HeldLease) lease).owner().equals(owner) || !lease.isHeld()
                || !holds(lockFile(lease.name()), lease.token())) {
            throw new LostLeaseException("the " + lease + " is no longer held by this instance; nothing was written");
        }
    }

    private HeldLease.Steps steps(Path file) {
        return new HeldLease.Steps() {
            @Override
            public boolean extend(HeldLease lease) throws IOException {
                return guard.locked(() -> {
                    if (!holds(file, lease.token())) {
                        return false;
                    }
                    write(file, lease.token());
                    return true;
                });
            }

            @Override
            public void release(HeldLease lease) throws IOException {
                guard.locked(() -> {
                    Optional<JsonNode> current = read(file);
                    if (current.isPresent() && owner.equals(current.get().path("owner").asText())
                            && current.get().path("token").asLong() == lease.token()) {
                        Files.deleteIfExists(file);
                    }
                    return null;
                });
            }
        };
    }

    private boolean holds(Path file, long token) throws IOException {
        Optional<JsonNode> current = read(file);
        return current.isPresent() && owner.equals(current.get().path("owner").asText())
                && current.get().path("token").asLong() == token
                && current.get().path("expiresAt").asLong() > System.currentTimeMillis();
    }

    private void write(Path file, long token) throws IOException {
        ObjectNode content = JSON.createObjectNode();
        content.put("owner", owner);
        content.put("token", token);
        content.put("expiresAt", System.currentTimeMillis() + times.lease().toMillis());
        files.write(file, JSON.writeValueAsBytes(content), false);
    }

    private long nextToken() throws IOException {
        Path counter = folder.resolve(".token");
        long last = 0;
        try {
            last = Long.parseLong(new String(Files.readAllBytes(counter), StandardCharsets.US_ASCII).trim());
        } catch (NoSuchFileException e) {
            // the first lease of this folder
        } catch (NumberFormatException e) {
            throw new CorruptDataException(counter + " does not hold a number; delete it only when no instance runs");
        }
        long next = last + 1;
        files.write(counter, Long.toString(next).getBytes(StandardCharsets.US_ASCII), false);
        return next;
    }

    private Optional<JsonNode> read(Path file) throws IOException {
        try {
            return Optional.ofNullable(JSON.readTree(Files.readAllBytes(file)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Optional.empty(); // unreadable counts as free: it was never half-written by us (atomic writes)
        }
    }

    private Path lockFile(String name) {
        return folder.resolve(name.replace('/', '+') + ".lock");
    }
}
