package dev.autotls.testing;

import java.util.concurrent.TimeUnit;

/** Stopping peer processes the same way everywhere: wait a little, then kill. */
final class Processes {
    private Processes() {
    }

    static void awaitExit(Process process) {
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
