package dev.autotls.internal.store;

import dev.autotls.spi.CertificateStore.Changes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The folder store's change feed: {@code .changes} in the storage folder, a header line
 * {@code autotls-changes 1 BASE} and then one changed key per line, appended under the folder's
 * guard ({@link FolderGuard}), so writers in several processes never lose each other's lines.
 *
 * <p>A position is {@code BASE} plus a byte offset after the header: the end of the last line
 * read. When the file grows past its limit it is rewritten (atomically, {@link AtomicFiles})
 * keeping only its newest lines, and {@code BASE} grows by what was dropped, so positions stay
 * comparable; one from before the kept lines is a gap. A new log starts at a base taken from the
 * clock (milliseconds times a million, room for a megabyte a millisecond until the year 2262), so
 * a position from a log that was deleted and made again is
 * before the new base, a gap too, never a read from the middle of a line. A line cut by a crash
 * is ended before the next append; what it held is written again by the journal
 * ({@link FileCertificateStore}) and anything that is not a valid key is skipped.
 */
final class FileChangeLog {
    static final String FILE = ".changes";
    private static final String MAGIC = "autotls-changes 1 ";
    /** About 15,000 certificate saves of 3 keys: far more than 10,000 names make between two looks. */
    static final long MAX_BYTES = 4L << 20;
    static final long KEEP_BYTES = 1L << 20;

    private final Path file;
    private final AtomicFiles files;
    private final long maxBytes;
    private final long keepBytes;
    private final LongSupplier millis;

    FileChangeLog(Path root, AtomicFiles files) {
        this(root, files, MAX_BYTES, KEEP_BYTES, System::currentTimeMillis);
    }

    /** A log rewritten past {@code maxBytes} down to its newest {@code keepBytes} (tests make them small). */
    FileChangeLog(Path root, AtomicFiles files, long maxBytes, long keepBytes, LongSupplier millis) {
        this.file = root.resolve(FILE);
        this.files = files;
        this.maxBytes = maxBytes;
        this.keepBytes = keepBytes;
        this.millis = millis;
    }

    /** Where a log is: its base and where its lines start in the file. */
    private record Header(long base, int length) {
    }

    /** Appends {@code keys}, one per line, forced to disk; call under the folder's guard. */
    void append(Collection<String> keys) throws IOException {
        if (keys.isEmpty()) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        for (String key : keys) {
            lines.append(key).append('\n');
        }
        byte[] added = lines.toString().getBytes(StandardCharsets.UTF_8);
        Header header = header();
        long size = Files.size(file);
        if (size + added.length > maxBytes) {
            rewrite(header, size, added);
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            boolean cut = size > header.length() && channel.read(last, size - 1) == 1 && last.get(0) != '\n';
            channel.position(size);
            write(channel, cut ? ByteBuffer.wrap(new byte[] {'\n'}) : ByteBuffer.allocate(0)); // end a line a crash cut
            write(channel, ByteBuffer.wrap(added));
            channel.force(false);
        }
    }

    /** The keys after {@code position} and the position after them; call under the folder's guard. */
    Changes since(long position) throws IOException {
        Header header = header();
        byte[] body;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long end = header.base() + size - header.length();
            if (position == Changes.FROM_NOW) {
                return new Changes(List.of(), lineEnd(channel, header, size), false);
            }
            if (position < header.base() || position > end || !atLineStart(channel, header, position)) {
                return new Changes(List.of(), lineEnd(channel, header, size), true);
            }
            long from = header.length() + position - header.base();
            body = new byte[(int) (size - from)];
            ByteBuffer buffer = ByteBuffer.wrap(body);
            while (buffer.hasRemaining() && channel.read(buffer, from + buffer.position()) > 0) {
                // read it all: the guard keeps writers out
            }
        }
        List<String> keys = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < body.length; i++) {
            if (body[i] == '\n') {
                String key = new String(body, start, i - start, StandardCharsets.UTF_8);
                if (StorageKeys.isValid(key)) {
                    keys.add(key);
                }
                start = i + 1;
            }
        }
        return new Changes(keys, position + start, false); // a line a crash cut is read once it is ended
    }

    /** The position after the last whole line. */
    private static long lineEnd(FileChannel channel, Header header, long size) throws IOException {
        long at = size;
        ByteBuffer one = ByteBuffer.allocate(1);
        while (at > header.length()) {
            one.clear();
            channel.read(one, at - 1);
            if (one.get(0) == '\n') {
                break;
            }
            at--;
        }
        return header.base() + at - header.length();
    }

    private static boolean atLineStart(FileChannel channel, Header header, long position) throws IOException {
        if (position == header.base()) {
            return true;
        }
        ByteBuffer one = ByteBuffer.allocate(1);
        return channel.read(one, header.length() + position - header.base() - 1) == 1 && one.get(0) == '\n';
    }

    /** Keeps the newest whole lines within {@code keepBytes} plus {@code added}, written in place of the log at once. */
    private void rewrite(Header header, long size, byte[] added) throws IOException {
        byte[] old = Files.readAllBytes(file);
        int from = (int) Math.max(header.length(), size - keepBytes);
        while (from > header.length() && from < old.length && old[from - 1] != '\n') {
            from++; // to the start of the next whole line
        }
        boolean cut = from < old.length && old[old.length - 1] != '\n'; // a line a crash cut: end it
        long base = header.base() + from - header.length();
        byte[] head = (MAGIC + base + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer content = ByteBuffer.allocate(head.length + (old.length - from) + (cut ? 1 : 0) + added.length);
        content.put(head).put(old, from, old.length - from);
        if (cut) {
            content.put((byte) '\n');
        }
        content.put(added);
        files.write(file, content.array(), true);
    }

    /** The log's header, making a new log when there is none (or the file is not one). */
    private Header header() throws IOException {
        byte[] start;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            channel.read(buffer, 0);
            start = java.util.Arrays.copyOf(buffer.array(), buffer.position());
        } catch (NoSuchFileException e) {
            return create();
        }
        String text = new String(start, StandardCharsets.US_ASCII);
        int newline = text.indexOf('\n');
        if (newline > MAGIC.length() && text.startsWith(MAGIC)) {
            try {
                return new Header(Long.parseLong(text.substring(MAGIC.length(), newline)), newline + 1);
            } catch (NumberFormatException e) {
                // not ours: made again below
            }
        }
        return create();
    }

    private Header create() throws IOException {
        long base = millis.getAsLong() * 1_000_000;
        byte[] head = (MAGIC + base + "\n").getBytes(StandardCharsets.US_ASCII);
        files.write(file, head, true);
        return new Header(base, head.length);
    }

    private static void write(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
