package dev.autotls.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java [-Dautotls.*=...] -jar autotls.jar <command>}. Settings come from system
 * properties and {@code AUTOTLS_*} environment variables, exactly as for an application.
 */
@Command(name = "autotls", mixinStandardHelpOptions = true, version = "autotls 0.1.0",
        description = "Self-configuring, self-renewing HTTPS for Jetty 12.",
        subcommands = {ServeCommand.class, AcmeDnsCommand.class, RecordsCommand.class, MigrateStorageCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        // the bundled slf4j-simple: timestamps on every line, unless the operator chose otherwise
        System.setProperty("org.slf4j.simpleLogger.showDateTime",
                System.getProperty("org.slf4j.simpleLogger.showDateTime", "true"));
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat",
                System.getProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"));
        System.exit(run(args));
    }

    /** Runs a command and returns its exit code (for tests). */
    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }
}
