package dev.autotls.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What code wrote to {@code System.err} while it ran: slf4j-simple's log lines, in the tests' JVM. */
public final class StandardError {

    /** A piece of test code that may throw. */
    public interface Work {
        void run() throws Exception;
    }

    private StandardError() {
    }

    /** Runs {@code work} with {@code System.err} captured, and returns what was written (also when it throws). */
    public static String during(Work work) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            work.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
